//! Stage 3: analysis. Pure functions of typed rows: no files, no templates, no charts.
//!
//! Survey rows are folded into per-month accumulators that merge exactly (integer sums),
//! so any period is the merge of its months and parallel runs equal sequential ones.

pub mod complaints;
pub mod control;
pub mod pareto;
pub mod stats;
pub mod survey;
