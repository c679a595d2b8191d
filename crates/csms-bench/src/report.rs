//! The report: medians of the rounds, the table and the JSON, the ratios.

use serde_json::json;

use crate::load::{Measured, summary};
use crate::peer::PeerRow;
use crate::{RunArgs, StoreKind};

pub(crate) struct Row {
    pub(crate) scale: usize,
    pub(crate) scenario: &'static str,
    pub(crate) ours: Vec<Measured>,
    pub(crate) reference: Vec<Measured>,
}

pub(crate) type Memory = (usize, (u64, u64, u64, u64), u64);

pub(crate) fn report(
    args: &RunArgs,
    rows: &[Row],
    memory: &[Memory],
    peers: &[PeerRow],
) -> anyhow::Result<()> {
    let store = match args.store {
        StoreKind::Sqlite => "sqlite",
        StoreKind::Postgres => "postgres",
    };
    println!(
        "\ncsms-server ({store}) vs bare hyper, {} connections, {} x {} s per server, medians\n",
        args.connections, args.rounds, args.seconds
    );
    println!("| events | scenario | req/s | p50 ms | p99 ms | reference req/s | ratio |");
    println!("|---|---|---|---|---|---|---|");
    let mut json_rows = Vec::new();
    for row in rows {
        let (rps, p50, p99, errors) = summary(&row.ours);
        let (ref_rps, ref_p50, ref_p99, _) = summary(&row.reference);
        let ratio = rps / ref_rps;
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} |",
            row.scale,
            row.scenario,
            rps,
            f64::from(p50) / 1000.0,
            f64::from(p99) / 1000.0,
            ref_rps,
            ratio
        );
        json_rows.push(json!({
            "events": row.scale, "scenario": row.scenario, "rps": rps.round(), "p50_ms": f64::from(p50) / 1000.0,
            "p99_ms": f64::from(p99) / 1000.0, "errors": errors, "reference_rps": ref_rps.round(),
            "reference_p50_ms": f64::from(ref_p50) / 1000.0, "reference_p99_ms": f64::from(ref_p99) / 1000.0,
            "ratio": (ratio * 1000.0).round() / 1000.0,
        }));
    }
    println!(
        "\n| events | server RSS MiB | of it anonymous (RssAnon) | file-backed (RssFile) | peak RSS MiB | largest SQLite WAL MiB |"
    );
    println!("|---|---|---|---|---|---|");
    let mib = |kib: u64| kib as f64 / 1024.0;
    for (scale, (rss, peak, anon, file), wal) in memory {
        let wal = *wal as f64 / 1024.0 / 1024.0;
        println!(
            "| {scale} | {:.1} | {:.1} | {:.1} | {:.1} | {wal:.1} |",
            mib(*rss),
            mib(*anon),
            mib(*file),
            mib(*peak)
        );
    }
    let mut peer_json = Vec::new();
    if !peers.is_empty() {
        println!("\n| ours | req/s | peer | req/s | ours / peer |");
        println!("|---|---|---|---|---|");
        for row in peers {
            let (ours, peer) = (summary(&row.ours_runs).0, summary(&row.peer_runs).0);
            println!("| {} | {ours:.0} | {} | {peer:.0} | {:.2} |", row.ours, row.peer, ours / peer);
            peer_json.push(
                json!({"ours": row.ours, "rps": ours.round(), "peer": row.peer, "peer_rps": peer.round(),
                "ratio": (ours / peer * 100.0).round() / 100.0}),
            );
        }
    }
    let scales: Vec<usize> = memory.iter().map(|(s, _, _)| *s).collect();
    if let (Some(&small), Some(&large)) = (scales.first(), scales.last())
        && small != large
    {
        println!("\n| scenario | req/s at {small} / at {large} events |");
        println!("|---|---|");
        for row in rows.iter().filter(|r| r.scale == small) {
            if let Some(big) = rows.iter().find(|r| r.scale == large && r.scenario == row.scenario) {
                println!("| {} | {:.2} |", row.scenario, summary(&row.ours).0 / summary(&big.ours).0);
            }
        }
    }
    let result = json!({
        "store": store, "connections": args.connections, "rounds": args.rounds, "seconds": args.seconds,
        "rows": json_rows,
        "memory": memory.iter().map(|(s, (rss, peak, anon, file), wal)| json!({"events": s, "rss_kib": rss, "peak_rss_kib": peak, "rss_anon_kib": anon, "rss_file_kib": file, "largest_wal_bytes": wal})).collect::<Vec<_>>(),
        "peers": peer_json,
    });
    println!("\n{result}");
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result)?)?;
    }
    Ok(())
}
