//! `ictstat`: the command line. Parses arguments, builds a validated [`Config`], calls the
//! library, maps the outcome to an exit code: 0 clean, 1 partial (some inputs rejected, or
//! eval below `--min-f1`), 2 fatal.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use ictstat::config::Resources;
use ictstat::{Config, eval, run};

// mimalloc returns freed memory to the system and fragments less than the system allocator
// over a long batch run: peak memory stays flat from 0.1 GB to 1 GB of input
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_t` (`mimalloc.h`; the version is
/// pinned by `Cargo.lock`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the allocator before it goes back to the system.
/// mimalloc's default, one second, returned the memory of one batch of documents just before
/// the next batch asked for it again, and the kernel zeroed it afresh: 20 000 documents (210
/// MB) took 1.2-1.4 s of system time and 210 000-230 000 page faults. Ten seconds keeps it
/// across batches (0.9 s, 130 000-140 000) and still returns what a long run stops using.
/// Peak memory grows from about 250 to 290 MB, and stays flat: 282 MB at 0.1 GB of input, 285
/// MB at 1 GB. `MIMALLOC_PURGE_DELAY` in the environment still overrides it.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

#[derive(Parser, Debug)]
#[command(name = "ictstat", version, about = "Vietnamese provincial ICT reports → analysis-ready Parquet")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the pipeline (the default): ingest, clean, extract, normalize, aggregate.
    Run(RunArgs),
    /// Score a facts table against a gold file.
    Eval(EvalArgs),
    /// Show every number of a text and what it was judged to be, and why.
    Explain(ExplainArgs),
    /// Write the review report (DIR/report/index.html): highlights, charts, corrections.
    Report(ReportArgs),
    /// Aggregate a facts dataset (Parquet files or folders, e.g. written by Spark or Ray) into
    /// province_metrics and anomalies, as a run does.
    Aggregate(AggregateArgs),
    /// Write a deterministic synthetic corpus (OUT/corpus/*.jsonl) with its gold (OUT/gold.jsonl).
    Synth(SynthArgs),
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// Output folder of a run
    #[arg(value_name = "DIR", default_value = "data/out")]
    out: PathBuf,
    #[command(flatten)]
    report: ReportOpts,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug, Clone)]
struct ReportOpts {
    /// Documents that get a page: auto (all up to 2000 documents, else as suspect), all, or
    /// suspect (documents with anomalies or conflicts, and --sample others)
    #[arg(long, value_enum, default_value_t = PagesArg::Auto)]
    pages: PagesArg,
    /// Documents sampled beside the suspect ones when not all get a page
    #[arg(long, default_value_t = 100)]
    sample: usize,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum PagesArg {
    Auto,
    All,
    Suspect,
}

impl ReportOpts {
    fn options(&self) -> ictstat::report::Options {
        ictstat::report::Options {
            pages: match self.pages {
                PagesArg::Auto => ictstat::report::Pages::Auto,
                PagesArg::All => ictstat::report::Pages::All,
                PagesArg::Suspect => ictstat::report::Pages::Suspect,
            },
            sample: self.sample,
            ..ictstat::report::Options::default()
        }
    }
}

#[derive(Args, Debug)]
struct AggregateArgs {
    /// Facts: Parquet files or folders of them (read recursively)
    #[arg(value_name = "FACTS", required = true)]
    facts: Vec<PathBuf>,
    /// The documents of those facts (Parquet files or folders): publication dates decide
    /// between sources, and repaired dates are anomalies
    #[arg(long, value_name = "PATH")]
    documents: Vec<PathBuf>,
    /// Output folder, replaced atomically
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct SynthArgs {
    /// Output folder
    out: PathBuf,
    /// Number of documents
    #[arg(long, default_value_t = 1000)]
    docs: usize,
    /// Seed: the same seed gives the same corpus
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// The text (one or more sentences); `-` reads standard input
    text: String,
    /// Province the text is about
    #[arg(long)]
    province: Option<String>,
    /// Report period (2018, 2014-Q1, 2014-H1, 2014-M09)
    #[arg(long)]
    period: Option<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug, Default)]
struct Common {
    /// Folder with metrics.toml, lexicon.toml, units.toml, clean.toml and tables/
    /// [default: ./schemas, else the copy built into the binary]
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// Province reference table [default: ./data/reference/provinces.csv, else built in]
    #[arg(long, value_name = "FILE")]
    provinces: Option<PathBuf>,
}

impl Common {
    /// The data files every command reads, checked at load.
    fn resources(&self) -> anyhow::Result<Resources> {
        Resources::load(self.schemas.as_deref(), self.provinces.as_deref()).context("loading schemas and reference data")
    }
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Input files or folders (.txt, .html, .htm, .jsonl, .jsonl.gz), read recursively
    #[arg(value_name = "INPUT", default_values_os_t = vec![PathBuf::from("data/raw")])]
    inputs: Vec<PathBuf>,
    /// Output folder, replaced atomically
    #[arg(long, short, value_name = "DIR", default_value = "data/out")]
    out: PathBuf,
    /// Worker threads [default: one per core]
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Documents per batch between the reader, the workers and the writers
    #[arg(long, default_value_t = 512)]
    batch_docs: usize,
    /// Reject inputs (or JSONL lines) larger than this many bytes
    #[arg(long, default_value_t = 32 << 20)]
    max_doc_bytes: u64,
    /// A document of this many bytes or more counts against --big-docs-in-flight
    #[arg(long, default_value_t = ictstat::run::BIG_DOCUMENT_BYTES)]
    big_doc_bytes: usize,
    /// Bytes of large documents in flight at most: about nine times this in memory while they
    /// are processed; a larger document goes alone
    #[arg(long, default_value_t = ictstat::run::BIG_DOCUMENTS_IN_FLIGHT)]
    big_docs_in_flight: usize,
    /// Never draw a progress bar
    #[arg(long, short)]
    quiet: bool,
    /// Reuse the previous output's rows for inputs whose bytes are unchanged (same result as a
    /// full run; falls back to one when the rules or the program changed)
    #[arg(long)]
    incremental: bool,
    /// Then write the review report (as `ictstat report DIR`)
    #[arg(long)]
    report: bool,
    #[command(flatten)]
    report_opts: ReportOpts,
    #[command(flatten)]
    common: Common,
}

#[derive(Args, Debug)]
struct EvalArgs {
    /// Gold facts (JSON Lines, see the gold format)
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Output folder of a run (reads DIR/facts.parquet)
    #[arg(long, short, value_name = "DIR", default_value = "data/out")]
    out: PathBuf,
    /// Extra scored documents without gold lines, one name a line (negatives)
    #[arg(long, value_name = "FILE")]
    docs: Option<PathBuf>,
    /// Exit with status 1 when overall F1 is below this
    #[arg(long, value_name = "X")]
    min_f1: Option<f64>,
    /// Print the scores as JSON
    #[arg(long)]
    json: bool,
    /// Print only the summary lines
    #[arg(long)]
    brief: bool,
    #[command(flatten)]
    common: Common,
}

/// Set the allocator's purge delay ([`PURGE_DELAY_MS`]) before the run allocates much.
#[allow(unsafe_code)]
fn tune_allocator() {
    // SAFETY: a plain C call that sets the default of one allocator option (ignored when the
    // environment set it); it takes no pointers, and the allocator reads the option whenever
    // it schedules a purge
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

/// Return the freed memory this thread's allocator heap holds, and what the allocator's arenas
/// hold for a purge delay, to the system now (rule `run.release_at_barrier`).
#[allow(unsafe_code)]
fn release_memory() {
    // SAFETY: a plain C call with no arguments beyond a flag; it frees only pages with no live
    // block, and it is safe on any thread at any time
    unsafe { libmimalloc_sys::mi_collect(true) };
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ictstat: error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    // no subcommand is `run` with its defaults, as clap parses them (one place for defaults)
    let command = match cli.command {
        Some(c) => c,
        None => Cli::try_parse_from(["ictstat", "run"])?.command.context("the default command")?,
    };
    match command {
        Command::Run(a) => {
            let cfg = Config {
                inputs: a.inputs,
                out: a.out,
                schemas_dir: a.common.schemas,
                provinces: a.common.provinces,
                threads: a.threads,
                batch_docs: a.batch_docs,
                max_doc_bytes: a.max_doc_bytes,
                big_doc_bytes: a.big_doc_bytes,
                big_docs_in_flight: a.big_docs_in_flight,
                progress: !a.quiet,
                incremental: a.incremental,
                release_memory: Some(release_memory),
            }
            .validate()?;
            let res = cfg.resources().context("loading schemas and reference data")?;
            let summary = run::run(&cfg, &res).context("run failed; the previous output, if any, is unchanged")?;
            print!("{}", summary.render());
            if a.report {
                let r = ictstat::report::write(&cfg.out, &res.catalog, &a.report_opts.options())
                    .with_context(|| format!("writing the report of {}", cfg.out.display()))?;
                print!("{}", r.render());
            }
            Ok(if summary.rejects > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Report(a) => {
            let res = a.common.resources()?;
            let r = ictstat::report::write(&a.out, &res.catalog, &a.report.options())
                .with_context(|| format!("writing the report of {}", a.out.display()))?;
            print!("{}", r.render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Aggregate(a) => {
            let res = a.common.resources()?;
            let summary = ictstat::dataset::aggregate_dataset(&a.facts, &a.documents, &a.out, &res)
                .context("aggregate failed; the previous output, if any, is unchanged")?;
            print!("{}", summary.render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth(a) => {
            let res = a.common.resources()?;
            let (docs, gold) = ictstat::synth::synth(&a.out, a.docs, a.seed, &res.provinces)?;
            println!("wrote {docs} documents and {gold} gold facts to {}", a.out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain(a) => {
            let res = a.common.resources()?;
            let text = if a.text == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                a.text
            };
            let province = match a.province.as_deref() {
                None => None,
                Some(p) => Some(
                    res.provinces
                        .rows
                        .iter()
                        .position(|r| r.name == p)
                        .map(|i| res.provinces.reference(i))
                        .with_context(|| format!("unknown province {p:?}"))?,
                ),
            };
            let period = match a.period.as_deref() {
                None => None,
                Some(p) => Some(ictstat::records::Period::parse(p).with_context(|| format!("bad period {p:?}"))?),
            };
            print!("{}", ictstat::extract::explain(&text, province, period, &res));
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(a) => {
            let res = a.common.resources()?;
            let gold = eval::read_gold(&a.gold)?;
            let facts_path = a.out.join("facts.parquet");
            let preds = eval::read_facts(&facts_path).with_context(|| {
                format!(
                    "reading {}; run `ictstat run --out {}` first",
                    facts_path.display(),
                    a.out.display()
                )
            })?;
            let extra: Vec<String> = match &a.docs {
                Some(p) => std::fs::read_to_string(p)
                    .with_context(|| format!("reading {}", p.display()))?
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
                None => Vec::new(),
            };
            let score = eval::score(&gold, &preds, &res.catalog, &extra);
            if a.json {
                println!("{}", serde_json::to_string_pretty(&score)?);
            } else if a.brief {
                print!("{}", score.summary());
            } else {
                print!("{}", score.report());
            }
            if let Some(min) = a.min_f1
                && score.f1() < min
            {
                eprintln!("ictstat: F1 {:.3} is below --min-f1 {min}", score.f1());
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
