//! Real-world inputs: the sample project saved as GBK CSV and as Excel workbooks must give
//! the same report as the UTF-8 CSV files.

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_project(case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("inputs-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(dst.join("data")).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
    for e in std::fs::read_dir(src.join("data")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join("data").join(e.file_name())).unwrap();
    }
    dst
}

fn build(project: &Path) -> PathBuf {
    let o = Command::new(env!("CARGO_BIN_EXE_manyi")).args(["build", project.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    common::built_dir(&o, &project.join("public"))
}

fn csv_files(project: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(project.join("data")).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

/// Every output file, with the data files' extension normalised (the report names its inputs).
fn outputs(out: &Path, ext: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for name in
        ["index.html", "report.md", "summary.json", "rejected.csv", "charts/pareto-1.svg", "charts/control-c.svg"]
    {
        let mut text = std::fs::read_to_string(out.join(name)).unwrap();
        // Each file's encoding is in the data-quality section, and differs by design.
        for (encoding, utf8) in [
            ("<td>gb18030</td>", "<td>UTF-8</td>"),
            ("<td>工作簿</td>", "<td>UTF-8</td>"),
            ("| gb18030 |", "| UTF-8 |"),
            ("| 工作簿 |", "| UTF-8 |"),
            ("\"encoding\": \"gb18030\"", "\"encoding\": \"UTF-8\""),
            ("\"encoding\": null", "\"encoding\": \"UTF-8\""),
        ] {
            text = text.replace(encoding, utf8);
        }
        files.push((name.to_string(), text.replace(&format!(".{ext}"), ".csv")));
    }
    files
}

/// Compares two builds file by file, naming the first line that differs.
fn assert_same(a: &[(String, String)], b: &[(String, String)]) {
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if let Some((i, (lx, ly))) = x.lines().zip(y.lines()).enumerate().find(|(_, (lx, ly))| lx != ly) {
            panic!("{name} differs at line {}:\n  {}\n  {}", i + 1, &lx[..lx.len().min(300)], &ly[..ly.len().min(300)]);
        }
        assert_eq!(x.len(), y.len(), "{name} differs in length");
    }
}

#[test]
fn gbk_csv_gives_the_same_report_as_utf8() {
    let utf8 = build(&copy_project("utf8"));
    let gbk = copy_project("gbk");
    for f in csv_files(&gbk) {
        let text = std::fs::read_to_string(&f).unwrap();
        let (bytes, _, lossy) = encoding_rs::GBK.encode(&text);
        assert!(!lossy, "sample text must be representable in GBK");
        std::fs::write(&f, &bytes).unwrap();
    }
    let out = build(&gbk);
    assert_same(&outputs(&out, "csv"), &outputs(&utf8, "csv"));
}

#[test]
fn utf8_with_bom_and_semicolons_gives_the_same_report() {
    let utf8 = build(&copy_project("plain"));
    let bom = copy_project("bom");
    for f in csv_files(&bom) {
        let text = std::fs::read_to_string(&f).unwrap();
        // Re-write with a BOM, semicolons and CRLF line ends, as European Excel saves CSV.
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(vec![0xEF, 0xBB, 0xBF]);
        for r in rdr.records() {
            w.write_record(&r.unwrap()).unwrap();
        }
        std::fs::write(&f, w.into_inner().unwrap()).unwrap();
    }
    let out = build(&bom);
    assert_same(&outputs(&out, "csv"), &outputs(&utf8, "csv"));
}

/// Writes each CSV as an .xlsx workbook the way Excel holds such data: numbers as numbers,
/// ISO dates as date cells, everything else as text, blank cells left empty.
fn to_xlsx(csv_path: &Path) -> PathBuf {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let text = std::fs::read_to_string(csv_path).unwrap();
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("数据").unwrap();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    for (r, rec) in rdr.records().enumerate() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if cell.is_empty() {
                continue;
            }
            let iso: Vec<&str> = cell.split('-').collect();
            if r > 0 && iso.len() == 3 && iso[0].len() == 4 && iso.iter().all(|p| p.parse::<u16>().is_ok()) {
                let (y, m, d) = (iso[0].parse().unwrap(), iso[1].parse().unwrap(), iso[2].parse().unwrap());
                if let Ok(dt) = ExcelDateTime::from_ymd(y, m, d) {
                    sheet.write_datetime_with_format(r, c, dt, &date_fmt).unwrap();
                    continue;
                }
            }
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && !cell.starts_with('0') || cell == "0" => {
                    sheet.write_number(r, c, n).unwrap();
                }
                _ => {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    let out = csv_path.with_extension("xlsx");
    book.save(&out).unwrap();
    std::fs::remove_file(csv_path).unwrap();
    out
}

#[test]
fn xlsx_workbooks_give_the_same_report_as_csv() {
    let csv_out = build(&copy_project("csv"));
    let project = copy_project("xlsx");
    for f in csv_files(&project) {
        to_xlsx(&f);
    }
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace(".csv\"", ".xlsx\"");
    std::fs::write(&cfg, text).unwrap();
    let out = build(&project);
    assert_same(&outputs(&out, "xlsx"), &outputs(&csv_out, "csv"));
}

#[test]
fn excel_rejections_are_located_by_sheet_and_cell() {
    let project = copy_project("xlsx-check");
    for f in csv_files(&project) {
        to_xlsx(&f);
    }
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace(".csv\"", ".xlsx\"");
    std::fs::write(&cfg, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_manyi")).args(["check", project.to_str().unwrap()]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("data/survey-2026.xlsx:数据!42:42: warning: row rejected: blank row"), "{err}");
    assert!(
        err.contains(
            "data/survey-2026.xlsx:数据!G102: warning: row rejected: column 产品性能: 6 lies outside the scale 1–5"
        ),
        "{err}"
    );
}
