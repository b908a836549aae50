//! Property tests: the parsers never panic, and on any input file every row is either used
//! or rejected (`read = used + rejected` per file).

use manyi::period::{parse_date, parse_year_month, Date};
use proptest::prelude::*;
use std::path::Path;

proptest! {
    #[test]
    fn date_parser_never_panics(s in "\\PC{0,40}") {
        let _ = parse_date(&s);
        let _ = parse_year_month(&s);
    }

    #[test]
    fn dates_round_trip(y in 1900i32..=9999, m in 1u8..=12, d in 1u8..=31) {
        if let Some(date) = Date::new(y, m, d) {
            prop_assert_eq!(parse_date(&date.to_string()), Some(date));
            prop_assert_eq!(parse_date(&format!("{y}/{m}/{d}")), Some(date));
            prop_assert_eq!(parse_date(&format!("{y}年{m}月{d}日")), Some(date));
        }
    }

    #[test]
    fn numbers_and_answers_never_panic(s in "\\PC{0,20}") {
        let _ = manyi::ingest::value::parse_number(&s);
        let _ = manyi::ingest::value::parse_yes_no(&s);
        let r = manyi::ingest::value::AnswerReader::new(&manyi::config::default_not_answered(), &[], 1.0, 5.0);
        let _ = r.read(&s);
    }
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("4".to_string()),
        Just("2026-03-01".to_string()),
        Just("2026/3/1".to_string()),
        Just("N/A".to_string()),
        Just("\"q,uoted\"".to_string()),
        Just("\"".to_string()),
        Just("满意".to_string()),
        "[0-9]{1,2}",
        "\\PC{0,6}",
    ]
}

fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let row = prop::collection::vec(cell(), 0..7).prop_map(|cells| cells.join(","));
    (
        prop::collection::vec(row, 0..12),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(rows, eol, junk)| {
            let mut text = format!("id,date,q1,q2,comment{eol}").into_bytes();
            text.extend(rows.join(eol).into_bytes());
            text.extend(junk);
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn every_row_is_used_or_rejected(data in csv_text(), case in 0u32..1_000_000) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prop-{case}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("data/s.csv"), &data).unwrap();
        std::fs::write(dir.join("manyi.toml"), "[survey]\nfiles = [\"data/s.csv\"]\nid = \"id\"\ndate = \"date\"\ncomment = \"comment\"\n[[survey.dimensions]]\nname = \"D\"\nitems = [\"q1\", \"q2\"]\n").unwrap();
        let settings = manyi::settings::Settings::resolve(&dir, &manyi::Options::default(), &manyi::Env::default()).unwrap();
        let model = manyi::analysis::survey::SurveyModel::from_config(&settings.config);
        if let Ok(loaded) = manyi::load(&settings, &model) {
            for f in &loaded.quality.files {
                prop_assert_eq!(f.read, f.used + f.rejected);
            }
            let rejected: u64 = loaded.quality.files.iter().map(|f| f.rejected).sum();
            prop_assert_eq!(rejected as usize, loaded.quality.rejections.len());
            let returned: u64 = loaded.survey.acc.months.values().map(|m| m.returned).sum();
            let used: u64 = loaded.quality.files.iter().map(|f| f.used).sum();
            prop_assert_eq!(returned, used, "every used row lands in a month");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
