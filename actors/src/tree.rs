//! The supervision tree as the introspection endpoint shows it.
//!
//! Every node has the same shape (kind, id, state, start time, restart
//! count, children) plus kind-specific details; times are RFC 3339 UTC.

use std::net::SocketAddr;

use actorgres_sql::guc::Settings;
use actorgres_sql::value::format_rfc3339;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::executor::PoolStats;
use crate::proc_array::Proc;
use crate::shared::Shared;

/// Asks a child actor for its node. Sent by the Postmaster while it
/// answers [`crate::GetTree`]; the reply is the node.
#[derive(actix::Message)]
#[rtype(result = "TreeNode")]
pub struct Describe;

/// One actor in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode {
    /// Actor kind: Postmaster, Backend, SharedBuffers, Checkpointer,
    /// BackgroundWorker, Introspection.
    pub kind: &'static str,
    /// Unique id within the tree.
    pub id: String,
    /// Current state.
    pub state: String,
    /// When it started.
    pub started_at: String,
    /// How often it was restarted.
    pub restarts: u32,
    /// Kind-specific facts.
    #[serde(flatten)]
    pub details: Map<String, Value>,
    /// Supervised children.
    pub children: Vec<TreeNode>,
}

/// The Postmaster's node.
pub fn postmaster_node(
    started_at: i64,
    addrs: &[SocketAddr],
    shared: &Shared,
    pool: PoolStats,
    children: Vec<TreeNode>,
) -> TreeNode {
    let mut details = Map::new();
    details.insert("pid".into(), json!(std::process::id()));
    details.insert(
        "listen".into(),
        json!(addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>()),
    );
    details.insert("max_connections".into(), json!(shared.max_connections));
    details.insert("connections".into(), json!(shared.procs.len()));
    details.insert("executor_pool".into(), json!(pool));
    details.insert("shutdown".into(), json!(shared.shutdown()));
    TreeNode {
        kind: "Postmaster",
        id: "postmaster".into(),
        state: match shared.shutdown() {
            None => "running".into(),
            Some(_) => "shutting down".into(),
        },
        started_at: format_rfc3339(started_at),
        restarts: 0,
        details,
        children,
    }
}

/// A Backend's node: the session and its local memory.
pub fn backend_node(p: &Proc, settings: &Settings) -> TreeNode {
    let st = p.status();
    let mut details = Map::new();
    details.insert("pid".into(), json!(p.pid));
    details.insert("user".into(), json!(st.user));
    details.insert("database".into(), json!(st.database));
    details.insert("application_name".into(), json!(st.application_name));
    details.insert("client_addr".into(), json!(p.peer.to_string()));
    details.insert("query".into(), json!(st.query));
    details.insert(
        "query_start".into(),
        json!(st.query_start.map(format_rfc3339)),
    );
    let memory = match &st.memory {
        Some(m) => {
            let s = m.stats();
            let limits = m.limits();
            json!({
                "in_use_bytes": s.in_use,
                "peak_bytes": s.peak,
                "temp_files": s.temp_files,
                "temp_bytes": s.temp_bytes,
                "work_mem_bytes": limits.work_mem,
                "maintenance_work_mem_bytes": limits.maintenance_work_mem,
                "prepared_statements": s.statements,
                "prepared_statement_bytes": s.statement_bytes,
                "portals": s.portals,
                "portal_bytes": s.portal_bytes,
                "temp_buffers_bytes": s.temp_buffers,
            })
        }
        None => json!({ "work_mem_bytes": settings.bytes("work_mem") }),
    };
    details.insert("local_memory".into(), memory);
    TreeNode {
        kind: "Backend",
        id: format!("backend-{}", p.pid),
        state: st.state.as_str().into(),
        started_at: format_rfc3339(p.started_at),
        restarts: 0,
        details,
        children: Vec::new(),
    }
}

/// A child that did not answer (it is stopping or died just now).
pub fn silent_node(kind: &'static str) -> TreeNode {
    TreeNode {
        kind,
        id: kind.to_lowercase(),
        state: "not responding".into(),
        started_at: format_rfc3339(actorgres_sql::value::now_micros()),
        restarts: 0,
        details: Map::new(),
        children: Vec::new(),
    }
}

/// The introspection server's node.
pub fn introspection_node(started_at: i64, addr: SocketAddr) -> TreeNode {
    let mut details = Map::new();
    details.insert("listen".into(), json!(addr.to_string()));
    TreeNode {
        kind: "Introspection",
        id: "introspection".into(),
        state: "listening".into(),
        started_at: format_rfc3339(started_at),
        restarts: 0,
        details,
        children: Vec::new(),
    }
}
