//! The public API of a library crate as text, one item a line, from rustdoc's JSON: what a change to the
//! crate adds, removes or alters in its surface shows in the diff of its snapshot (`public-api.txt`
//! beside its `Cargo.toml`), and `cargo xtask api --check` fails until the snapshot is written again
//! with `cargo xtask api`.
//!
//! rustdoc's JSON output is unstable: `RUSTC_BOOTSTRAP=1` unlocks it on the stable toolchain for this
//! one command, as `cargo semver-checks` does. Every item reachable from the crate root is listed with
//! its fields, variants and signatures, and every trait it implements (derives included: removing
//! `Clone` is a break too); the lines are sorted, so that moving code between files changes nothing.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Map, Value};

/// The crates whose surface is guarded, with their features for the snapshot (every optional one).
pub const GUARDED: &[&str] = &["csms-model"];

/// The file of a crate's snapshot, relative to the workspace root.
pub fn snapshot_path(krate: &str) -> String {
    format!("crates/{krate}/public-api.txt")
}

/// The public API of `krate` as sorted lines, built with rustdoc in `root`'s workspace.
pub fn public_api(root: &Path, krate: &str) -> anyhow::Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["rustdoc", "--quiet", "--lib", "--all-features", "-p", krate, "--"])
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .status()
        .context("running cargo rustdoc")?;
    if !status.success() {
        bail!("cargo rustdoc -p {krate} failed");
    }
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root.join("target"), Into::into);
    let file = target.join("doc").join(format!("{}.json", krate.replace('-', "_")));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).context("reading rustdoc's JSON")?)?;
    Ok(render(&json))
}

/// The lines of the API in rustdoc's JSON `doc`.
pub fn render(doc: &Value) -> String {
    let index = doc["index"].as_object().cloned().unwrap_or_default();
    let root = doc["root"].to_string();
    let crate_name = index.get(&root).and_then(|m| m["name"].as_str()).unwrap_or("crate").to_owned();
    let mut api = Api { index: &index, lines: BTreeSet::new() };
    api.module(&root, &crate_name);
    let mut out = String::new();
    for line in api.lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

struct Api<'a> {
    index: &'a Map<String, Value>,
    lines: BTreeSet<String>,
}

impl Api<'_> {
    fn item(&self, id: &Value) -> Option<&Value> {
        self.index.get(&id.to_string())
    }

    fn module(&mut self, id: &str, path: &str) {
        let Some(module) = self.index.get(id) else { return };
        self.lines.insert(format!("mod {path}"));
        let items = module["inner"]["module"]["items"].as_array().cloned().unwrap_or_default();
        for child in items {
            let Some(item) = self.item(&child).cloned() else { continue };
            if item["visibility"] != "public" {
                continue;
            }
            self.public(&item, path);
        }
    }

    fn public(&mut self, item: &Value, parent: &str) {
        let name = item["name"].as_str().unwrap_or_default();
        let path = format!("{parent}::{name}");
        let (kind, inner) = match item["inner"].as_object().and_then(|o| o.iter().next()) {
            Some((kind, inner)) => (kind.as_str(), inner),
            None => return,
        };
        match kind {
            "module" => self.module(&item["id"].to_string(), &path),
            "use" => {
                let source = inner["source"].as_str().unwrap_or_default();
                let glob = if inner["is_glob"].as_bool() == Some(true) { "::*" } else { "" };
                self.lines.insert(format!(
                    "use {parent}::{} = {source}{glob}",
                    inner["name"].as_str().unwrap_or(name)
                ));
                // A re-exported item of this crate is part of the API under its new path.
                if let Some(mut target) = self.item(&inner["id"]).cloned().filter(|t| t["crate_id"] == 0)
                    && inner["is_glob"].as_bool() != Some(true)
                {
                    target["name"] = Value::String(inner["name"].as_str().unwrap_or(name).to_owned());
                    self.public(&target, parent);
                }
            }
            "struct" => {
                self.lines.insert(format!("struct {path}{}", generics(&inner["generics"])));
                let kind = &inner["kind"];
                let fields = kind["plain"]["fields"].as_array().or(kind["tuple"].as_array());
                for (i, field) in fields.into_iter().flatten().enumerate() {
                    if let Some(field) = self.item(field).filter(|f| f["visibility"] == "public") {
                        let fname = field["name"].as_str().map_or_else(|| i.to_string(), str::to_owned);
                        self.lines.insert(format!(
                            "field {path}::{fname}: {}",
                            ty(&field["inner"]["struct_field"])
                        ));
                    }
                }
                if kind["plain"]["has_stripped_fields"].as_bool() == Some(true) {
                    self.lines.insert(format!("field {path}::.. (private fields)"));
                }
                self.impls(&path, &inner["impls"]);
            }
            "enum" => {
                self.lines.insert(format!("enum {path}{}", generics(&inner["generics"])));
                for variant in inner["variants"].as_array().into_iter().flatten() {
                    let Some(variant) = self.item(variant) else { continue };
                    let vname = variant["name"].as_str().unwrap_or_default();
                    let vkind = &variant["inner"]["variant"]["kind"];
                    let shape = match vkind {
                        Value::String(_) => String::new(),
                        _ if vkind.get("tuple").is_some() => {
                            let fields = vkind["tuple"].as_array().cloned().unwrap_or_default();
                            let types: Vec<String> = fields
                                .iter()
                                .map(|f| self.item(f).map_or("_".into(), |f| ty(&f["inner"]["struct_field"])))
                                .collect();
                            format!("({})", types.join(", "))
                        }
                        _ => {
                            let fields = vkind["struct"]["fields"].as_array().cloned().unwrap_or_default();
                            let named: Vec<String> = fields
                                .iter()
                                .filter_map(|f| self.item(f))
                                .map(|f| {
                                    format!(
                                        "{}: {}",
                                        f["name"].as_str().unwrap_or("_"),
                                        ty(&f["inner"]["struct_field"])
                                    )
                                })
                                .collect();
                            format!(" {{ {} }}", named.join(", "))
                        }
                    };
                    self.lines.insert(format!("variant {path}::{vname}{shape}"));
                }
                self.impls(&path, &inner["impls"]);
            }
            "function" => {
                self.lines.insert(format!("fn {path}{}", signature(inner)));
            }
            "constant" => {
                self.lines.insert(format!("const {path}: {}", ty(&inner["type"])));
            }
            "static" => {
                self.lines.insert(format!("static {path}: {}", ty(&inner["type"])));
            }
            "type_alias" => {
                self.lines.insert(format!("type {path} = {}", ty(&inner["type"])));
            }
            "trait" => {
                self.lines.insert(format!("trait {path}{}", generics(&inner["generics"])));
                for member in inner["items"].as_array().into_iter().flatten() {
                    if let Some(member) = self.item(member).cloned() {
                        self.member(&path, &member);
                    }
                }
            }
            "macro" => {
                self.lines.insert(format!("macro {path}"));
            }
            other => {
                self.lines.insert(format!("{other} {path}"));
            }
        }
    }

    /// The impls of a type: the traits it implements (auto traits and blanket impls left out: they
    /// follow from the fields), and the public items of its own impls.
    fn impls(&mut self, path: &str, impls: &Value) {
        for id in impls.as_array().into_iter().flatten() {
            let Some(imp) = self.item(id).cloned() else { continue };
            let inner = &imp["inner"]["impl"];
            if inner["is_synthetic"].as_bool() == Some(true) || !inner["blanket_impl"].is_null() {
                continue;
            }
            match inner["trait"].as_object() {
                Some(t) => {
                    let name = t.get("path").and_then(Value::as_str).unwrap_or_default();
                    self.lines.insert(format!(
                        "impl {name}{} for {path}",
                        args(t.get("args").unwrap_or(&Value::Null))
                    ));
                }
                None => {
                    for member in inner["items"].as_array().into_iter().flatten() {
                        if let Some(member) =
                            self.item(member).cloned().filter(|m| m["visibility"] == "public")
                        {
                            self.member(path, &member);
                        }
                    }
                }
            }
        }
    }

    fn member(&mut self, owner: &str, member: &Value) {
        let name = member["name"].as_str().unwrap_or_default();
        let Some((kind, inner)) = member["inner"].as_object().and_then(|o| o.iter().next()) else { return };
        let line = match kind.as_str() {
            "function" => format!("fn {owner}::{name}{}", signature(inner)),
            "assoc_const" => format!("const {owner}::{name}: {}", ty(&inner["type"])),
            "assoc_type" => format!("type {owner}::{name}"),
            other => format!("{other} {owner}::{name}"),
        };
        self.lines.insert(line);
    }
}

fn signature(function: &Value) -> String {
    let sig = &function["sig"];
    let inputs: Vec<String> = sig["inputs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| format!("{}: {}", pair[0].as_str().unwrap_or("_"), ty(&pair[1])))
        .collect();
    let header = &function["header"];
    let qualifiers = [("is_const", "const "), ("is_async", "async "), ("is_unsafe", "unsafe ")]
        .iter()
        .filter(|(key, _)| header[*key].as_bool() == Some(true))
        .map(|(_, text)| *text)
        .collect::<String>();
    let output = if sig["output"].is_null() { String::new() } else { format!(" -> {}", ty(&sig["output"])) };
    format!(
        "{}({}){output}{}",
        generics(&function["generics"]),
        inputs.join(", "),
        qualifier_note(&qualifiers)
    )
}

fn qualifier_note(qualifiers: &str) -> String {
    if qualifiers.is_empty() { String::new() } else { format!(" [{}]", qualifiers.trim_end()) }
}

fn generics(generics: &Value) -> String {
    let params: Vec<String> = generics["params"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["kind"]["type"]["is_synthetic"].as_bool() != Some(true))
        .map(|p| {
            let name = p["name"].as_str().unwrap_or("_");
            match p["kind"]["type"]["bounds"].as_array() {
                Some(bounds) if !bounds.is_empty() => format!("{name}: {}", bounds_text(bounds)),
                _ => name.to_owned(),
            }
        })
        .collect();
    if params.is_empty() { String::new() } else { format!("<{}>", params.join(", ")) }
}

fn bounds_text(bounds: &[Value]) -> String {
    let parts: Vec<String> = bounds
        .iter()
        .map(|b| match b.get("trait_bound") {
            Some(t) => format!("{}{}", t["trait"]["path"].as_str().unwrap_or("?"), args(&t["trait"]["args"])),
            None => b.get("outlives").and_then(Value::as_str).unwrap_or("?").to_owned(),
        })
        .collect();
    parts.join(" + ")
}

fn args(args: &Value) -> String {
    let Some(angle) = args.get("angle_bracketed") else {
        if let Some(paren) = args.get("parenthesized") {
            let inputs: Vec<String> = paren["inputs"].as_array().into_iter().flatten().map(ty).collect();
            let output = if paren["output"].is_null() {
                String::new()
            } else {
                format!(" -> {}", ty(&paren["output"]))
            };
            return format!("({}){output}", inputs.join(", "));
        }
        return String::new();
    };
    let mut parts: Vec<String> = angle["args"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| match a {
            Value::Object(o) if o.contains_key("type") => ty(&o["type"]),
            Value::Object(o) if o.contains_key("lifetime") => {
                o["lifetime"].as_str().unwrap_or("'_").to_owned()
            }
            Value::Object(o) if o.contains_key("const") => {
                o["const"]["expr"].as_str().unwrap_or("_").to_owned()
            }
            other => other.to_string(),
        })
        .collect();
    for c in angle["constraints"].as_array().into_iter().flatten() {
        parts.push(format!(
            "{} = {}",
            c["name"].as_str().unwrap_or("_"),
            ty(&c["binding"]["equality"]["type"])
        ));
    }
    if parts.is_empty() { String::new() } else { format!("<{}>", parts.join(", ")) }
}

/// A type as Rust source writes it, near enough to read and exact enough to compare.
fn ty(t: &Value) -> String {
    let Some((kind, inner)) = t.as_object().and_then(|o| o.iter().next()) else { return "?".into() };
    match kind.as_str() {
        "primitive" | "generic" => inner.as_str().unwrap_or("?").to_owned(),
        "resolved_path" => format!("{}{}", inner["path"].as_str().unwrap_or("?"), args(&inner["args"])),
        "borrowed_ref" => {
            let lifetime = inner["lifetime"].as_str().map(|l| format!("{l} ")).unwrap_or_default();
            let mutable = if inner["is_mutable"].as_bool() == Some(true) { "mut " } else { "" };
            format!("&{lifetime}{mutable}{}", ty(&inner["type"]))
        }
        "slice" => format!("[{}]", ty(inner)),
        "array" => format!("[{}; {}]", ty(&inner["type"]), inner["len"].as_str().unwrap_or("_")),
        "tuple" => {
            let parts: Vec<String> = inner.as_array().into_iter().flatten().map(ty).collect();
            format!("({})", parts.join(", "))
        }
        "impl_trait" => format!("impl {}", bounds_text(inner.as_array().map_or(&[][..], Vec::as_slice))),
        "dyn_trait" => {
            let traits: Vec<String> = inner["traits"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    format!("{}{}", p["trait"]["path"].as_str().unwrap_or("?"), args(&p["trait"]["args"]))
                })
                .collect();
            format!("dyn {}", traits.join(" + "))
        }
        "qualified_path" => {
            format!("<{}>::{}", ty(&inner["self_type"]), inner["name"].as_str().unwrap_or("?"))
        }
        "raw_pointer" => {
            let mutable = if inner["is_mutable"].as_bool() == Some(true) { "mut" } else { "const" };
            format!("*{mutable} {}", ty(&inner["type"]))
        }
        "function_pointer" => "fn(..)".into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// A struct with a public and a private field, a method and a derive, as rustdoc writes them.
    #[test]
    fn an_item_is_listed_with_its_fields_methods_and_traits() {
        let string = json!({"resolved_path": {"path": "String", "id": 9, "args": null}});
        let doc = json!({"root": 0, "index": {
            "0": {"id": 0, "crate_id": 0, "name": "demo", "visibility": "public",
                  "inner": {"module": {"items": [1]}}},
            "1": {"id": 1, "crate_id": 0, "name": "Event", "visibility": "public",
                  "inner": {"struct": {"kind": {"plain": {"fields": [2, 3], "has_stripped_fields": true}},
                                       "generics": {"params": []}, "impls": [4, 6]}}},
            "2": {"id": 2, "crate_id": 0, "name": "name", "visibility": "public",
                  "inner": {"struct_field": string}},
            "3": {"id": 3, "crate_id": 0, "name": "secret", "visibility": "default",
                  "inner": {"struct_field": string}},
            "4": {"id": 4, "crate_id": 0, "visibility": "default", "inner": {"impl": {
                  "is_synthetic": false, "blanket_impl": null, "trait": null, "items": [5]}}},
            "5": {"id": 5, "crate_id": 0, "name": "id", "visibility": "public", "inner": {"function": {
                  "sig": {"inputs": [["self", {"borrowed_ref": {"lifetime": null, "is_mutable": false,
                          "type": {"generic": "Self"}}}]], "output": {"primitive": "u64"}},
                  "generics": {"params": []}, "header": {"is_const": false, "is_async": false, "is_unsafe": false}}}},
            "6": {"id": 6, "crate_id": 0, "visibility": "default", "inner": {"impl": {
                  "is_synthetic": false, "blanket_impl": null, "trait": {"path": "Clone", "args": null}, "items": []}}}
        }});
        let lines = super::render(&doc);
        assert_eq!(
            lines,
            "field demo::Event::.. (private fields)\nfield demo::Event::name: String\nfn demo::Event::id(self: &Self) -> u64\nimpl Clone for demo::Event\nmod demo\nstruct demo::Event\n"
        );
    }
}
