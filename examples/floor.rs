//! The physical floor for the benchmark: parse every CSV file of a project's data folder with
//! the csv crate (one reused ByteRecord, single thread) and touch one field per row.
//!
//!     cargo run --release --example floor -- DIR

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: floor DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("data"))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let (mut rows, mut touched) = (0u64, 0u64);
    for p in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "csv")) {
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_path(p)?;
        let mut rec = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut rec)? {
            rows += 1;
            touched += rec.get(1).map_or(0, |f| f.len() as u64);
        }
    }
    println!("{rows} rows, {touched} bytes touched");
    Ok(())
}
