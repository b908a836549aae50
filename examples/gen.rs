//! Deterministic data generator for benchmarks: a full manyi project with survey responses
//! (20 items in 5 dimensions, 4 segment columns, comments, three years), a complaint register
//! with every column, monthly order volumes and an action register.
//!
//!     cargo run --release --example gen -- --responses 1000000 --complaints 200000 DIR
//!     cargo run --release --example gen -- --responses 1000000 --shape small DIR  # 7 items, 1 segment column
//!     cargo run --release --example gen -- --responses 100000 --xlsx DIR   # survey as one workbook
//!     cargo run --release --example gen -- --responses 1000000 --gbk DIR   # survey CSVs in GBK
//!
//! `--xlsx` writes the survey as one `data/survey.xlsx` (dates as date cells, answers as
//! numbers, the rest as text); `--gbk` writes the same survey CSVs encoded in GBK (as Chinese
//! Excel saves "CSV"). `--shape small` writes a smaller questionnaire: 7 items in 3 dimensions
//! and one segment column (客户类型), named in its manyi.toml's `segments`; the complaint register,
//! orders and actions have the same shape (not the same values: the random stream differs).
//! The same arguments always write the same bytes (SplitMix64, fixed seed).

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len() as u64) as usize]
    }
}

const YEARS: [i32; 3] = [2024, 2025, 2026];
const GROUPS: [&str; 4] = ["经销商", "终端用户", "工程项目客户", "OEM客户"];
const PRODUCTS: [&str; 5] = ["配电柜", "变压器", "开关设备", "智能电表", "电缆"];
const REGIONS: [&str; 6] = ["华东", "华南", "华北", "西南", "西北", "东北"];
const CHANNELS: [&str; 4] = ["电话", "网络", "面谈", "问卷"];

/// A questionnaire: dimensions (name, weight, items) and segment columns (name, values).
struct Shape {
    dims: &'static [(&'static str, f64, &'static [&'static str])],
    segments: &'static [(&'static str, &'static [&'static str])],
    /// Whether manyi.toml names the segment columns in `[survey] segments`.
    configure_segments: bool,
}

/// The default shape: 20 items in 5 dimensions, 4 segment columns (left out of `segments`; the
/// benchmark adds them in a variant of its own).
const FULL: Shape = Shape {
    dims: &[
        ("产品质量", 0.3, &["产品性能", "外观质量", "产品可靠性", "包装质量"]),
        ("交货及时性", 0.2, &["交货准时", "交货数量准确", "物流信息", "到货完好"]),
        ("服务质量", 0.2, &["服务态度", "响应速度", "技术支持", "培训质量"]),
        ("价格合理性", 0.15, &["价格水平", "性价比", "付款条件", "报价透明"]),
        ("售后服务", 0.15, &["投诉处理", "维修及时性", "回访质量", "备件供应"]),
    ],
    segments: &[("客户类型", &GROUPS), ("产品类型", &PRODUCTS), ("地区", &REGIONS), ("调查方式", &CHANNELS)],
    configure_segments: false,
};

/// `--shape small`: 7 items in 3 dimensions, one segment column, named in `segments`.
const SMALL: Shape = Shape {
    dims: &[
        ("产品质量", 0.4, &["产品性能", "外观质量", "产品可靠性"]),
        ("交货及时性", 0.3, &["交货准时", "物流信息"]),
        ("服务质量", 0.3, &["服务态度", "响应速度"]),
    ],
    segments: &[("客户类型", &GROUPS)],
    configure_segments: true,
};
const COMMENTS: [&str; 6] = [
    "交货经常延期。",
    "价格偏高，希望有批量折扣。",
    "售后响应太慢。",
    "产品质量稳定。",
    "服务热情。",
    "希望增加线上渠道。",
];
const CATEGORIES: [&str; 7] = ["产品质量", "交货延误", "服务态度", "服务质量", "安装调试", "价格争议", "突发事件"];
const NATURES: [&str; 4] = ["有效投诉", "求助型", "咨询型", "发泄型"];
const DEPTS: [&str; 6] = ["质量部", "生产部", "物流部", "客户服务部", "销售部", "技术服务部"];
const CCHANNELS: [&str; 5] = ["电话", "网络", "来信", "来访", "微信"];

fn date(rng: &mut Rng) -> (i32, u32, u32) {
    let y = YEARS[rng.below(3) as usize];
    (y, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32)
}

fn add_days(y: i32, m: u32, d: u32, n: u32) -> (i32, u32, u32) {
    let mut d = d + n;
    let (mut y, mut m) = (y, m);
    while d > 28 {
        d -= 28;
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    (y, m, d)
}

/// Where the survey rows go: one CSV file per year (UTF-8 or GBK), or one workbook.
enum SurveyOut {
    Csv {
        files: Vec<BufWriter<std::fs::File>>,
        gbk: bool,
    },
    /// `numbers`: the answer columns, written as numbers.
    Xlsx {
        book: Box<rust_xlsxwriter::Workbook>,
        row: u32,
        numbers: std::ops::Range<usize>,
    },
}

impl SurveyOut {
    fn csv(dir: &std::path::Path, header: &str, gbk: bool) -> std::io::Result<SurveyOut> {
        let mut files: Vec<BufWriter<std::fs::File>> = YEARS
            .iter()
            .map(|y| {
                std::fs::File::create(dir.join(format!("data/survey-{y}.csv")))
                    .map(|f| BufWriter::with_capacity(1 << 20, f))
            })
            .collect::<Result<_, _>>()?;
        for f in &mut files {
            f.write_all(&encode(header, gbk))?;
        }
        Ok(SurveyOut::Csv { files, gbk })
    }

    fn xlsx(header: &str, numbers: std::ops::Range<usize>) -> SurveyOut {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet();
        let mut out = SurveyOut::Xlsx { book: Box::new(book), row: 0, numbers };
        out.write(0, header).expect("the header row");
        out
    }

    /// One line of CSV text (no comma inside a cell) of year `year`.
    fn write(&mut self, year: i32, line: &str) -> std::io::Result<()> {
        match self {
            SurveyOut::Csv { files, gbk } => {
                let idx = YEARS.iter().position(|x| *x == year).unwrap();
                files[idx].write_all(&encode(line, *gbk))
            }
            SurveyOut::Xlsx { book, row, numbers } => {
                let sheet = book.worksheet_from_index(0).expect("one sheet");
                let date_fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                for (c, cell) in line.trim_end_matches('\n').split(',').enumerate() {
                    let col = c as u16;
                    if cell.is_empty() {
                        continue;
                    }
                    let written = if *row > 0 && c == 1 {
                        let p: Vec<u16> = cell.split('-').map(|x| x.parse().unwrap()).collect();
                        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
                        sheet.write_datetime_with_format(*row, col, d, &date_fmt)
                    } else if *row > 0 && numbers.contains(&c) {
                        sheet.write_number(*row, col, cell.parse::<f64>().unwrap())
                    } else {
                        sheet.write_string(*row, col, cell)
                    };
                    written.map_err(std::io::Error::other)?;
                }
                *row += 1;
                Ok(())
            }
        }
    }

    fn finish(self, dir: &std::path::Path) -> std::io::Result<()> {
        match self {
            SurveyOut::Csv { mut files, .. } => files.iter_mut().try_for_each(Write::flush),
            SurveyOut::Xlsx { mut book, .. } => book.save(dir.join("data/survey.xlsx")).map_err(std::io::Error::other),
        }
    }
}

fn encode(text: &str, gbk: bool) -> std::borrow::Cow<'_, [u8]> {
    if gbk {
        encoding_rs::GBK.encode(text).0
    } else {
        std::borrow::Cow::Borrowed(text.as_bytes())
    }
}

/// `"a", "b"`: names as a TOML array's items.
fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

fn main() -> std::io::Result<()> {
    let mut responses = 100_000u64;
    let mut complaints = 20_000u64;
    let mut dir = None;
    let (mut xlsx, mut gbk) = (false, false);
    let mut shape = &FULL;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--responses" => responses = args.next().and_then(|v| v.parse().ok()).expect("--responses N"),
            "--complaints" => complaints = args.next().and_then(|v| v.parse().ok()).expect("--complaints M"),
            "--xlsx" => xlsx = true,
            "--gbk" => gbk = true,
            "--shape" => {
                shape = match args.next().as_deref() {
                    Some("full") => &FULL,
                    Some("small") => &SMALL,
                    _ => panic!("--shape full | small"),
                }
            }
            other => dir = Some(PathBuf::from(other)),
        }
    }
    let dir = dir.expect("usage: gen [--responses N] [--complaints M] [--xlsx | --gbk] [--shape full | small] DIR");
    std::fs::create_dir_all(dir.join("data"))?;
    let mut rng = Rng(20261122);

    // Survey: one file per year, as departments usually keep them (or one workbook).
    let items: Vec<&str> = shape.dims.iter().flat_map(|(_, _, i)| i.iter().copied()).collect();
    let mut header = String::from("问卷编号,调查日期");
    for name in shape.segments.iter().map(|(n, _)| n).chain(&items) {
        header.push(',');
        header.push_str(name);
    }
    header.push_str(",意见建议\n");
    let first_answer = 2 + shape.segments.len();
    let mut out = if xlsx {
        SurveyOut::xlsx(&header, first_answer..first_answer + items.len())
    } else {
        SurveyOut::csv(&dir, &header, gbk)?
    };
    let mut line = String::with_capacity(256);
    for n in 0..responses {
        let (y, m, d) = date(&mut rng);
        line.clear();
        let _ = write!(line, "R{n:08},{y}-{m:02}-{d:02}");
        for (_, values) in shape.segments {
            line.push(',');
            line.push_str(rng.pick(values));
        }
        let mood = rng.unit() * 1.6 - 0.8;
        for (k, _) in items.iter().enumerate() {
            let r = rng.unit();
            if r < 0.03 {
                line.push(',');
                continue;
            }
            let base = 3.9 + (k % 5) as f64 * 0.1 + mood + (rng.unit() - 0.5) * 1.4;
            let v = base.round().clamp(1.0, 5.0) as u32;
            let _ = write!(line, ",{v}");
        }
        line.push(',');
        if rng.below(10) == 0 {
            line.push_str(rng.pick(&COMMENTS));
        }
        line.push('\n');
        out.write(y, &line)?;
    }
    out.finish(&dir)?;

    // Complaints: one register with every column.
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(dir.join("data/complaints.csv"))?);
    w.write_all("投诉编号,受理日期,投诉渠道,客户名称,投诉内容,投诉类别,投诉性质,责任部门,处理期限,办结日期,回访结果,是否重开,损失金额\n".as_bytes())?;
    for n in 0..complaints {
        let (y, m, d) = date(&mut rng);
        let (dy, dm, dd) = add_days(y, m, d, 7);
        let open = rng.below(20) == 0;
        let (cy, cm, cd) = add_days(y, m, d, rng.below(12) as u32);
        let closed = if open { String::new() } else { format!("{cy}-{cm:02}-{cd:02}") };
        let followup = if open { "" } else { ["满意", "满意", "满意", "不满意", ""][rng.below(5) as usize] };
        let reopened = if followup == "不满意" && rng.below(2) == 0 { "是" } else { "否" };
        line.clear();
        let _ = writeln!(
            line,
            "C{n:08},{y}-{m:02}-{d:02},{},客户{},问题描述{},{},{},{},{dy}-{dm:02}-{dd:02},{closed},{followup},{reopened},{}",
            rng.pick(&CCHANNELS),
            rng.below(5000),
            rng.below(100),
            rng.pick(&CATEGORIES),
            rng.pick(&NATURES),
            rng.pick(&DEPTS),
            rng.below(50) * 100
        );
        w.write_all(line.as_bytes())?;
    }
    w.flush()?;

    let mut w = BufWriter::new(std::fs::File::create(dir.join("data/orders.csv"))?);
    w.write_all("月份,发货订单数\n".as_bytes())?;
    for y in YEARS {
        for m in 1..=12 {
            writeln!(w, "{y}-{m:02},{}", complaints * 5 + rng.below(complaints.max(1)))?;
        }
    }
    w.flush()?;
    let mut w = BufWriter::new(std::fs::File::create(dir.join("data/actions.csv"))?);
    w.write_all("编号,问题,责任人,责任部门,完成期限,状态,效果验证\n".as_bytes())?;
    for n in 0..200 {
        let (y, m, d) = date(&mut rng);
        let done = rng.below(2) == 0;
        writeln!(
            w,
            "A{n:04},问题{n},{},{},{y}-{m:02}-{d:02},{},{}",
            ["张三", "李四", "王五", "赵六"][rng.below(4) as usize],
            rng.pick(&DEPTS),
            if done { "已完成" } else { "进行中" },
            if done { ["是", "否"][rng.below(2) as usize] } else { "" }
        )?;
    }
    w.flush()?;

    let survey_files = if xlsx { "data/survey.xlsx" } else { "data/survey-*.csv" };
    let mut cfg = format!(
        "# Generated by `cargo run --release --example gen`; see the README's benchmark section.\n\
         [site]\ntitle = \"基准测试项目\"\n\n[survey]\nfiles = [\"{survey_files}\"]\nid = \"问卷编号\"\ndate = \"调查日期\"\ncomment = \"意见建议\"\n",
    );
    if shape.configure_segments {
        let _ = writeln!(cfg, "segments = [{}]", quoted(shape.segments.iter().map(|(n, _)| *n)));
    }
    for y in YEARS {
        let _ = write!(cfg, "\n[[survey.plans]]\nperiod = \"{y}\"\nissued = {}\n", responses / 3 * 10 / 9 + 1);
    }
    for (name, weight, its) in shape.dims {
        let _ = write!(
            cfg,
            "\n[[survey.dimensions]]\nname = \"{name}\"\nweight = {weight}\nitems = [{}]\n",
            quoted(its.iter().copied())
        );
    }
    cfg.push_str(
        "\n[report]\ncutoff = \"2026-11-20\"\n\n[complaints]\nfiles = [\"data/complaints.csv\"]\nid = \"投诉编号\"\nreceived = \"受理日期\"\n\
         closed = \"办结日期\"\ncategory = \"投诉类别\"\npareto = [\"投诉类别\", \"责任部门\"]\nnature = \"投诉性质\"\ndepartment = \"责任部门\"\n\
         channel = \"投诉渠道\"\ndeadline = \"处理期限\"\nfollowup_satisfied = \"回访结果\"\nreopened = \"是否重开\"\nweight = \"损失金额\"\n\n\
         [complaints.volume]\nfiles = [\"data/orders.csv\"]\nmonth = \"月份\"\ncount = \"发货订单数\"\n\n[actions]\nfiles = [\"data/actions.csv\"]\n\
         department = \"责任部门\"\nverified = \"效果验证\"\n",
    );
    std::fs::write(dir.join("manyi.toml"), cfg)?;
    Ok(())
}
