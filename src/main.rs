//! The `actorgres` command: CLI only. It reads settings (built-in
//! defaults, PGPORT, postgresql.conf, command line — later wins), makes
//! sure the data directory exists, takes its lock and runs the actor tree.

use std::path::PathBuf;
use std::process::ExitCode;

use actorgres_actors::guc::{parse_config, Settings, Source};
use actorgres_actors::DataDir;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};

/// mimalloc instead of the system allocator: statements allocate and free
/// many small values (a row's strings, plan nodes), and glibc's malloc
/// and free were a tenth of the server's CPU time on short statements.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A PostgreSQL-compatible database server built as an actor tree.
#[derive(Parser)]
#[command(name = "actorgres", version, about, disable_help_flag = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    start: StartArgs,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server in the foreground (the default).
    Start(StartArgs),
    /// Create a new data directory.
    Initdb {
        /// The directory to create (must be missing or empty).
        #[arg(short = 'D', long = "pgdata", env = "PGDATA")]
        data: PathBuf,
    },
}

#[derive(Args, Default)]
struct StartArgs {
    /// Data directory (created and initialised when missing).
    #[arg(short = 'D', long = "pgdata", env = "PGDATA")]
    data: Option<PathBuf>,
    /// TCP port to listen on (setting `port`).
    #[arg(short = 'p', long)]
    port: Option<u16>,
    /// Addresses to listen on (setting `listen_addresses`).
    #[arg(short = 'h', long = "listen-addresses")]
    listen_addresses: Option<String>,
    /// Set any setting: -c name=value (repeatable).
    #[arg(short = 'c', value_name = "NAME=VALUE")]
    settings: Vec<String>,
}

/// The data directory when none is given.
const DEFAULT_DATA_DIR: &str = "data";

fn main() -> ExitCode {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Initdb { data }) => initdb(data),
        Some(Command::Start(args)) => start(args),
        None => start(cli.start),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("actorgres: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn initdb(data: PathBuf) -> Result<u8> {
    DataDir::init_with(&data, &actorgres_actors::populate)?;
    println!(
        "Success. You can now start the server using:\n\n    actorgres start -D {}\n",
        data.display()
    );
    Ok(0)
}

fn start(args: StartArgs) -> Result<u8> {
    // Every connection is a socket of this one process: take all the open
    // files the hard limit allows (the soft limit is often 1024).
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::debug!(open_files = n, "open file limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open file limit"),
    }
    let dir = args.data.unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let (data, created) = DataDir::open_or_init(&dir, &actorgres_actors::populate)?;
    if created {
        tracing::info!(dir = %dir.display(), "initialized a new data directory");
    }
    let mut settings = Settings::new();
    if let Ok(port) = std::env::var("PGPORT") {
        settings
            .set("port", Some(&port), Source::ConfigFile)
            .map_err(|e| anyhow!("PGPORT: {e}"))?;
    }
    if let Some(text) = data.config()? {
        let file = data.path().join("postgresql.conf");
        let lines = parse_config(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
        for l in lines {
            settings
                .set(&l.name, Some(&l.value), Source::ConfigFile)
                .map_err(|e| anyhow!("{}, line {}: {e}", file.display(), l.line))?;
        }
    }
    if let Some(port) = args.port {
        settings
            .set("port", Some(&port.to_string()), Source::CommandLine)
            .map_err(|e| anyhow!("{e}"))?;
    }
    if let Some(addrs) = &args.listen_addresses {
        settings
            .set("listen_addresses", Some(addrs), Source::CommandLine)
            .map_err(|e| anyhow!("{e}"))?;
    }
    for pair in &args.settings {
        let Some((name, value)) = pair.split_once('=') else {
            bail!("-c {pair}: expected NAME=VALUE");
        };
        settings
            .set(name.trim(), Some(value.trim()), Source::CommandLine)
            .map_err(|e| anyhow!("-c {pair}: {e}"))?;
    }
    if let Some(bytes) = settings.custom_bytes("actorgres.memory_limit") {
        actorgres_actors::set_server_memory_limit(bytes);
    }
    let abs = std::fs::canonicalize(data.path()).unwrap_or_else(|_| data.path().to_path_buf());
    settings.set_internal("data_directory", &abs.display().to_string());
    let port = u16::try_from(settings.int("port")).context("port out of range")?;
    let lock = data.lock(port)?;
    tracing::info!(version = %actorgres_actors::version_string(), "starting actorgres");
    let restart = settings.bool("restart_after_crash");
    let code = actorgres_actors::run(settings)?;
    if code == actorgres_actors::EXIT_CRASHED {
        if restart {
            drop(lock);
            return Err(restart_in_place());
        }
        tracing::error!("restart_after_crash is off; exiting (recovery runs at the next start)");
        return Ok(1);
    }
    Ok(u8::try_from(code).unwrap_or(1))
}

/// Replaces this process with a fresh run of the same command line, as
/// PostgreSQL's postmaster reinitialises after a crash: every thread is
/// gone at once (as after kill -9) and the new image runs recovery before
/// it accepts connections. Returns only if exec fails.
fn restart_in_place() -> anyhow::Error {
    use std::os::unix::process::CommandExt;
    tracing::warn!("all sessions ended after a crash; reinitializing: recovery runs before connections are accepted again");
    let mut args = std::env::args_os();
    let program = args.next().unwrap_or_else(|| "actorgres".into());
    let exe = std::env::current_exe().unwrap_or_else(|_| program.into());
    let err = std::process::Command::new(&exe).args(args).exec();
    anyhow!("could not restart {}: {err}", exe.display())
}
