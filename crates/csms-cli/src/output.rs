//! What the commands print: aligned tables for people, JSON for scripts.

use serde::Serialize;

use crate::cli::Output;

/// Writes `text` to standard output. A closed pipe ends the program with success (the reader took what
/// it wanted); any other failure to write ends it with exit code 1.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("csms: writing the output: {e}");
        std::process::exit(1);
    }
}

/// Epoch milliseconds as `2026-11-30T03:05:13Z`; `-` for none.
pub(crate) fn time(ms: Option<i64>) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok())
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "-".to_owned())
}

/// A table: a header and rows of cells, each column as wide as its widest cell, two spaces apart.
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Self {
        Table { rows: vec![header.iter().map(|h| (*h).to_owned()).collect()] }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| self.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', widths[c] - cell.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Prints one document: as JSON, or as the table `table` makes of it.
pub(crate) fn one<T: Serialize>(output: Output, value: &T, table: impl FnOnce(&T) -> Table) {
    match output {
        Output::Json => outln!("{}", serde_json::to_string_pretty(value).expect("the model serialises")),
        Output::Table => out!("{}", table(value).render()),
    }
}

/// Prints a list: one JSON document per line, or one table.
pub(crate) fn many<T: Serialize>(
    output: Output,
    items: &[T],
    header: &[&str],
    row: impl Fn(&T) -> Vec<String>,
) {
    match output {
        Output::Json => {
            for item in items {
                outln!("{}", serde_json::to_string(item).expect("the model serialises"));
            }
        }
        Output::Table => {
            let mut table = Table::new(header);
            for item in items {
                table.row(row(item));
            }
            out!("{}", table.render());
        }
    }
}

/// A list of names, comma-separated; `-` for none.
pub(crate) fn list<T: AsRef<str>>(items: &[T]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_their_columns_and_times_are_utc() {
        let mut table = Table::new(&["NAME", "STATE", "TYPES"]);
        table.row(vec!["a-long-name".into(), "ENABLED".into(), "X".into()]);
        table.row(vec!["b".into(), "DISABLED".into(), String::new()]);
        assert_eq!(
            table.render(),
            "NAME         STATE     TYPES\na-long-name  ENABLED   X\nb            DISABLED\n"
        );
        assert_eq!(time(Some(1_700_000_000_123)), "2023-11-14T22:13:20Z");
        assert_eq!(time(None), "-");
    }
}
