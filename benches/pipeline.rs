//! The in-process stages of the pipeline over a generated site of ~1,000 records: how long parsing,
//! checking, the audience filter, rendering, the metrics and the whole load take, without process start-up or
//! disk writes (scripts/bench.sh times the whole commands).
//!
//! `cargo bench --bench pipeline` (add `-- --quick` for a rough figure). `INCSITE_BENCH_N` sets
//! the number of records. The site is a git repository with a commit per record (and one per
//! published post-mortem), as a real site is.

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use incsite::serve::rebuild::{Builder, Change, Settings};
use incsite::site::{self, Audience};
use incsite::{check, git, metrics, record, render};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// A generated site on disk and its record files in memory.
struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    files: Vec<(String, Vec<u8>)>,
    opts: gen::Options,
}

fn corpus() -> Corpus {
    let n = std::env::var("INCSITE_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("site");
    let mut opts = gen::Options::new(n, 1);
    opts.git = true;
    gen::generate(&root, &opts).expect("the generated site");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root.join("content/incidents"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("a generated file"))
        })
        .collect();
    files.sort();
    Corpus { _dir: dir, root, files, opts }
}

fn stages(c: &mut Criterion) {
    let corpus = corpus();
    let now = corpus.opts.now;
    let n = corpus.files.len() as u64;
    let bytes: u64 = corpus.files.iter().map(|(_, b)| b.len() as u64).sum();

    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(n));

    // record::parse over every file, one thread (site::load parses in parallel).
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (path, bytes) in &corpus.files {
                black_box(record::parse(path, bytes));
            }
        })
    });

    let site = site::load(&corpus.root, now).expect("the site loads");
    assert!(
        !site.has_errors(),
        "the generated site has errors: {:#?}",
        &site.diagnostics[..3.min(site.diagnostics.len())]
    );

    g.bench_function("check", |b| {
        let input = check::Input {
            config: &site.config,
            policy: &site.policy,
            records: &site.records,
            runbooks: &site.runbooks,
            now,
        };
        b.iter(|| black_box(check::run(&input)))
    });

    g.bench_function("view_public", |b| b.iter(|| black_box(site.view(Audience::Public))));

    let view = site.view(Audience::Public);
    let opts = render::Options { now, base_url: view.config.base_url.clone(), live_reload: false, theme_dir: None };
    g.bench_function("render", |b| {
        b.iter_batched(|| (), |()| black_box(render::render(&view, &opts).expect("render")), BatchSize::PerIteration)
    });

    let internal = site.view(Audience::Internal);
    g.bench_function("metrics", |b| b.iter(|| black_box(metrics::report(&internal, &metrics::Filter::default(), now))));

    // `incsite serve` after one incident is saved: re-parse it, re-check, re-render.
    g.bench_function("serve_edit_one", |b| {
        let settings = Settings {
            root: corpus.root.clone(),
            audience: Audience::Public,
            now: Some(now),
            base_url: view.config.base_url.clone(),
            history: None,
        };
        let mut builder = Builder::new(settings);
        builder.build(&Change::Full).expect("the first build");
        let path = corpus.files[corpus.files.len() / 2].0.clone();
        let change = Change::Records([path].into());
        b.iter(|| black_box(builder.build(&change).expect("a rebuild")))
    });

    // The content's history: one walk over ~1.5 commits per record.
    g.bench_function("git_history", |b| b.iter(|| black_box(git::history(&corpus.root).expect("history"))));

    // The whole load: walk, read, parse (in parallel), check, sort diagnostics.
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("site_load", |b| b.iter(|| black_box(site::load(&corpus.root, now).expect("load"))));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
