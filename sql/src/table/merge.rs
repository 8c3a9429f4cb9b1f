//! MERGE INTO target USING source ON condition WHEN [NOT] MATCHED ...
//! (PostgreSQL 15).
//!
//! The target's rows (with their tuple ids) join the source: an inner
//! join, or a right join keeping every source row when a WHEN NOT MATCHED
//! clause exists. Each joined row runs the first WHEN clause of its kind
//! whose condition holds: a matched row is updated or deleted through the
//! same row loop as UPDATE and DELETE (a target row reached twice is
//! 21000); the rows a NOT MATCHED clause inserts go through INSERT's path
//! (defaults, identity, constraints, indexes, foreign keys) once the
//! join is done. The command tag counts the rows inserted, updated and
//! deleted.

use std::sync::Arc;

use sqlparser::ast;

use super::modify::{
    assign, bind_sets, checks, defaults, join_scope, modify_rows, open_target, run_insert,
    target_columns, writable, BoundInsert, CatalogTables, Change, Source,
};
use crate::binder::{ident, table_scope, Binder, Scope};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::plan::{JoinKind, OutputColumn, Plan};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::{OutputStyle, Value};

/// A WHEN NOT MATCHED ... THEN INSERT clause: its INSERT without rows,
/// the value (None: DEFAULT) of each target column over the joined row,
/// and the rows it collected.
pub(super) struct MergeInsert {
    bound: BoundInsert,
    values: Vec<Option<Expr>>,
    rows: Vec<Vec<Option<Expr>>>,
}

/// A bound MERGE, as the row loop runs it.
pub(super) struct MergeRun {
    /// The join of the target's rows and the source's.
    pub(super) plan: Option<Plan>,
    /// WHEN MATCHED clauses in order: condition, change (None: DO
    /// NOTHING).
    pub(super) matched: Vec<(Option<Expr>, Option<Change>)>,
    /// WHEN NOT MATCHED clauses in order: condition, the INSERT (None:
    /// DO NOTHING).
    not_matched: Vec<(Option<Expr>, Option<usize>)>,
    inserts: Vec<MergeInsert>,
}

impl MergeRun {
    /// The first WHEN MATCHED clause whose condition holds for `row`.
    pub(super) fn choose(&self, row: &[Value], eval: &mut EvalCtx<'_>) -> Result<Option<usize>> {
        for (i, (cond, _)) in self.matched.iter().enumerate() {
            if holds(cond.as_ref(), row, eval)? {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// A source row no target row matched: the first WHEN NOT MATCHED
    /// clause whose condition holds keeps the row it inserts.
    pub(super) fn not_matched(&mut self, row: &[Value], eval: &mut EvalCtx<'_>) -> Result<()> {
        for (cond, insert) in &self.not_matched {
            if !holds(cond.as_ref(), row, eval)? {
                continue;
            }
            if let Some(k) = insert {
                let ins = &mut self.inserts[*k];
                let mut values = Vec::with_capacity(ins.values.len());
                for v in &ins.values {
                    values.push(match v {
                        Some(e) => Some(Expr::constant(e.eval(row, eval)?, e.ty)),
                        None => None,
                    });
                }
                ins.rows.push(values);
            }
            return Ok(());
        }
        Ok(())
    }
}

fn holds(cond: Option<&Expr>, row: &[Value], eval: &mut EvalCtx<'_>) -> Result<bool> {
    match cond {
        None => Ok(true),
        Some(c) => Ok(c.eval(row, eval)? == Value::Bool(true)),
    }
}

/// The error for a target row two source rows reach.
pub(super) fn twice() -> SqlError {
    SqlError::new(
        SqlState::CARDINALITY_VIOLATION,
        "MERGE command cannot affect row a second time",
    )
    .with_hint("Ensure that not more than one source row matches any one target row.")
}

/// Runs a MERGE statement.
pub fn merge(ctx: &mut Stmt<'_>, m: &ast::Merge, sink: &mut dyn ResultSink) -> Result<()> {
    let (def, bound) = bind_merge(ctx, m)?;
    let BoundMerge {
        runs,
        anti,
        mut run,
        routing,
    } = bound;
    // Through members, the unmatched source rows first, against the
    // target as the statement found it.
    if let Some(anti) = anti {
        collect_unmatched(ctx, anti, def.live().count(), &mut run)?;
    }
    let mover = routing.router.is_some().then_some(&routing);
    let mut total = 0;
    for (k, (member, map, mut member_run)) in runs.into_iter().enumerate() {
        let done = modify_rows(
            ctx,
            &member,
            None,
            None,
            super::modify::Actions::Merge(&mut member_run),
            None,
            "MERGE",
            (map.as_deref(), routing.check.as_ref(), mover, k),
            sink,
        )?;
        total += done.finish(ctx, &member)?;
        run.inserts.append(&mut member_run.inserts);
    }
    for ins in run.inserts {
        if ins.rows.is_empty() {
            continue;
        }
        let mut bound = ins.bound;
        bound.source = Source::Values(ins.rows);
        let mut counted = Counted {
            inner: &mut *sink,
            count: 0,
        };
        run_insert(ctx, bound, &mut counted)?;
        total += counted.count;
    }
    sink.command_complete(&format!("MERGE {total}"))
}

/// EXPLAIN of MERGE: `Merge on t` over the join of target and source.
pub fn explain_merge(ctx: &mut Stmt<'_>, m: &ast::Merge) -> Result<Vec<String>> {
    let (def, mut bound) = bind_merge(ctx, m)?;
    // Through members, the first member's join stands for the plan.
    let plan = bound
        .runs
        .first_mut()
        .and_then(|(_, _, r)| r.plan.take())
        .unwrap_or(Plan::Values(Vec::new()));
    let engine = ctx.engine();
    let blocks = |t: &TableDef| engine.nblocks(t.rel).unwrap_or(0);
    let mut plan = crate::planner::optimize(plan, &mut ctx.eval_ctx(), &blocks, false)?;
    crate::exec::explain::name_relations(&mut plan);
    let alias = match &m.table {
        ast::TableFactor::Table { alias: Some(a), .. } => format!(" {}", ident(&a.name)),
        _ => String::new(),
    };
    Ok(super::modify::nest_under(
        format!("Merge on {}{alias}", def.name),
        crate::exec::explain::lines(&plan, None),
    ))
}

/// Binds MERGE: its target (locked), the join with its source, and its
/// WHEN clauses.
fn bind_merge(ctx: &mut Stmt<'_>, m: &ast::Merge) -> Result<(Arc<TableDef>, BoundMerge)> {
    let ast::TableFactor::Table {
        name,
        alias,
        inheritance,
        ..
    } = &m.table
    else {
        return Err(SqlError::unsupported(format!("MERGE into {}", m.table)));
    };
    let def = open_target(ctx, name)?;
    for c in &m.clauses {
        match &c.action {
            ast::MergeAction::Insert(i) => {
                let cols: Vec<String> = i
                    .columns
                    .iter()
                    .filter_map(|n| {
                        n.0.last()
                            .and_then(|p| p.as_ident())
                            .map(crate::binder::ident)
                    })
                    .collect();
                super::modify::check_columns(ctx, &def, crate::acl::INSERT, &cols)?;
            }
            ast::MergeAction::Update(u) => {
                if let ast::MergeUpdateKind::Set(a) = &u.kind {
                    let cols = super::modify::assigned_columns(a);
                    super::modify::check_columns(ctx, &def, crate::acl::UPDATE, &cols)?;
                }
            }
            ast::MergeAction::Delete { .. } => ctx.check_relation(&def, crate::acl::DELETE)?,
            ast::MergeAction::DoNothing { .. } => {}
        }
    }
    let kind = if def.view.is_some() {
        Some("views")
    } else if def.matview.is_some() {
        Some("materialized views")
    } else {
        None
    };
    if let Some(kind) = kind {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("cannot execute MERGE on relation \"{}\"", def.name),
        )
        .with_detail(format!("This operation is not supported for {kind}.")));
    }
    writable(&def)?;
    let routing = super::routing::Routing::new(ctx, &def)?;
    let only = matches!(inheritance, Some(ast::TableInheritance::Only { .. }));
    let spread = routing.router.is_some() || (!def.inheritors.is_empty() && !only);
    let member_tables = if spread {
        super::routing::members(ctx, &def, actorgres_storage::lock::LockMode::RowExclusive)?
    } else {
        Vec::new()
    };
    // Each member's rows are read in the target's layout; a child with
    // columns of its own does not fit it yet.
    let width = def.live().count();
    if member_tables.iter().any(|(m, _)| m.live().count() != width) {
        return Err(SqlError::unsupported(
            "MERGE into a table whose inheritance children add columns",
        ));
    }
    let alias = alias.as_ref().map(|a| ident(&a.name));
    let target_name = alias.clone().unwrap_or_else(|| def.name.clone());
    let mut scope = table_scope(&def, alias.as_deref());
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let row_checks = checks(&def, &style)?;
    let column_defaults = defaults(&def, &style, &mut CatalogTables(ctx.catalog()))?;
    let live: Vec<usize> = def.live().map(|(i, _)| i).collect();
    let readable = ctx.target_readable(&def)?;
    let mut b = ctx.binder();
    if let Some(cols) = readable {
        b.restrict(def.oid, &def.name, cols);
    }
    let source = [ast::TableWithJoins {
        relation: m.source.clone(),
        joins: Vec::new(),
    }];
    let Some((source_plan, source_width)) = join_scope(&mut b, Some(&source), &mut scope)? else {
        return Err(SqlError::internal("MERGE without a source"));
    };
    let before = b.refuse_aggregates("aggregate functions are not allowed in JOIN conditions");
    let on = b.expr(&m.on, &scope);
    b.allow_aggregates(before);
    let on = b.boolean(on?, "JOIN/ON")?;
    // NOT MATCHED clauses see only the source's columns.
    let source_only = source_scope(&scope, width);
    let mut run = MergeRun {
        plan: None,
        matched: Vec::new(),
        not_matched: Vec::new(),
        inserts: Vec::new(),
    };
    for clause in &m.clauses {
        let matched = match clause.clause_kind {
            ast::MergeClauseKind::Matched => true,
            ast::MergeClauseKind::NotMatched | ast::MergeClauseKind::NotMatchedByTarget => false,
            ast::MergeClauseKind::NotMatchedBySource => {
                return Err(SqlError::syntax("syntax error at or near \"BY\"", None))
            }
        };
        let here = if matched { &scope } else { &source_only };
        let cond = match &clause.predicate {
            Some(p) => {
                let before =
                    b.refuse_aggregates("aggregate functions are not allowed in WHEN conditions");
                let c = if matched {
                    b.expr(p, here)
                } else {
                    b.with_unreachable(&target_name, |b| b.expr(p, here))
                };
                b.allow_aggregates(before);
                Some(b.boolean(c?, "WHEN")?)
            }
            None => None,
        };
        match &clause.action {
            ast::MergeAction::Update(u) => {
                let ast::MergeUpdateKind::Set(assignments) = &u.kind else {
                    return Err(SqlError::syntax("syntax error at or near \"*\"", None));
                };
                let before = b.refuse_aggregates("aggregate functions are not allowed in UPDATE");
                let sets = bind_sets(&mut b, assignments, &def, &scope, &column_defaults, sql);
                b.allow_aggregates(before);
                run.matched
                    .push((cond, Some(Change::Update(sets?, row_checks.clone()))));
            }
            ast::MergeAction::Delete { .. } => run.matched.push((cond, Some(Change::Delete))),
            ast::MergeAction::DoNothing { .. } if matched => run.matched.push((cond, None)),
            ast::MergeAction::DoNothing { .. } => run.not_matched.push((cond, None)),
            ast::MergeAction::Insert(ins) => {
                let (targets, values) = b.with_unreachable(&target_name, |b| {
                    bind_insert_clause(b, ins, &def, &source_only, sql, &live)
                })?;
                let bound = BoundInsert {
                    def: Arc::clone(&def),
                    live: live.clone(),
                    targets,
                    defaults: column_defaults.clone(),
                    checks: row_checks.clone(),
                    source: Source::Values(Vec::new()),
                    ret: None,
                    conflict: None,
                };
                run.inserts.push(MergeInsert {
                    bound,
                    values,
                    rows: Vec::new(),
                });
                run.not_matched.push((cond, Some(run.inserts.len() - 1)));
            }
        }
    }
    // Through a partitioned or inherited target: the source rows no member
    // row matches, found once by an anti join with the whole target.
    let anti = if spread && !run.not_matched.is_empty() {
        Some(unmatched_plan(&mut b, m)?)
    } else {
        None
    };
    ctx.param_types = b.into_params();
    if spread {
        let (keys, on) = crate::binder::split_equi_keys(vec![on], width + 1);
        let identity: Vec<usize> = (0..width).collect();
        let mut runs = Vec::with_capacity(member_tables.len());
        for (k, (member, map)) in member_tables.into_iter().enumerate() {
            let member_checks = checks(&member, &style)?;
            let matched = run
                .matched
                .iter()
                .map(|(cond, change)| {
                    let change = change.as_ref().map(|c| match c {
                        Change::Update(sets, _) => {
                            Change::Update(sets.clone(), member_checks.clone())
                        }
                        Change::Delete => Change::Delete,
                    });
                    (cond.clone(), change)
                })
                .collect();
            let plan = Plan::Join {
                left: Box::new(super::modify::partition_scan(&member, &map, width, k)),
                right: Box::new(source_plan.clone()),
                kind: JoinKind::Inner,
                keys: keys.clone(),
                on: on.clone(),
                right_width: source_width,
                left_width: width + 1,
                merge: false,
            };
            let map = (map != identity).then_some(map);
            runs.push((
                member,
                map,
                MergeRun {
                    plan: Some(plan),
                    matched,
                    not_matched: Vec::new(),
                    inserts: Vec::new(),
                },
            ));
        }
        return Ok((
            def,
            BoundMerge {
                runs,
                anti,
                run,
                routing,
            },
        ));
    }
    let scan = Plan::SeqScan {
        table: Arc::clone(&def),
        with_tid: true,
        needed: None,
        alias: None,
    };
    let (keys, on) = crate::binder::split_equi_keys(vec![on], width + 1);
    run.plan = Some(Plan::Join {
        left: Box::new(scan),
        right: Box::new(source_plan),
        kind: if run.not_matched.is_empty() {
            JoinKind::Inner
        } else {
            JoinKind::Right
        },
        keys,
        on,
        right_width: source_width,
        left_width: width + 1,
        merge: false,
    });
    // One member, the table itself: its right join hands the unmatched
    // source rows to the same run.
    let unmatched_only = MergeRun {
        plan: None,
        matched: Vec::new(),
        not_matched: Vec::new(),
        inserts: Vec::new(),
    };
    Ok((
        Arc::clone(&def),
        BoundMerge {
            runs: vec![(def, None, run)],
            anti: None,
            run: unmatched_only,
            routing,
        },
    ))
}

/// A bound MERGE: a run per member table (the table itself, or each
/// partition / inheritance member, with its map to the target's
/// columns), the anti join giving the source rows no member matches
/// (members only) with the run that takes them, and the target's routing
/// (its partition constraint; rows an UPDATE moves between partitions).
struct BoundMerge {
    runs: Vec<(Arc<TableDef>, Option<Vec<usize>>, MergeRun)>,
    anti: Option<Plan>,
    run: MergeRun,
    routing: super::routing::Routing,
}

/// The source rows no row of the whole target matches: `source` anti
/// join `target` on the condition bound over their columns side by side.
fn unmatched_plan(b: &mut Binder<'_>, m: &ast::Merge) -> Result<Plan> {
    let source = [ast::TableWithJoins {
        relation: m.source.clone(),
        joins: Vec::new(),
    }];
    let (source_plan, source_scope) = b.from(&source)?;
    let target = [ast::TableWithJoins {
        relation: m.table.clone(),
        joins: Vec::new(),
    }];
    let (target_plan, target_scope) = b.from(&target)?;
    let left_width = source_scope.columns.len();
    let right_width = target_scope.columns.len();
    let mut scope = source_scope;
    scope.columns.extend(target_scope.columns);
    let on = b.expr(&m.on, &scope)?;
    let on = b.boolean(on, "JOIN/ON")?;
    let (keys, on) = crate::binder::split_equi_keys(vec![on], left_width);
    Ok(Plan::Join {
        left: Box::new(source_plan),
        right: Box::new(target_plan),
        kind: JoinKind::Anti,
        keys,
        on,
        right_width,
        left_width,
        merge: false,
    })
}

/// Runs the anti join of [`unmatched_plan`]: each source row, after a
/// target row of NULLs and a NULL tuple id, goes to the NOT MATCHED
/// clauses.
fn collect_unmatched(
    ctx: &mut Stmt<'_>,
    plan: Plan,
    width: usize,
    run: &mut MergeRun,
) -> Result<()> {
    let engine = ctx.engine();
    let (mut eval, _) = ctx.eval_and_txn();
    let blocks = |t: &TableDef| engine.nblocks(t.rel).unwrap_or(0);
    let plan = crate::planner::optimize(plan, &mut eval, &blocks, false)?;
    let mut node = crate::exec::build_in(&plan, None);
    while let Some(source_row) = node.next(&mut eval)? {
        let mut row = vec![Value::Null; width + 1];
        row.extend(source_row);
        run.not_matched(&row, &mut eval)?;
    }
    Ok(())
}

/// The joined row's scope with the target's columns out of reach (a NOT
/// MATCHED clause has no target row).
fn source_scope(scope: &Scope, width: usize) -> Scope {
    let mut s = scope.clone();
    for c in s.columns.iter_mut().take(width) {
        c.hidden = true;
        c.table = None;
        c.name = format!("\0{}", c.name);
    }
    s
}

/// `INSERT [(cols)] VALUES (...)` of a NOT MATCHED clause: the target
/// columns (attribute indexes) and their values over the joined row.
fn bind_insert_clause(
    b: &mut Binder<'_>,
    ins: &ast::MergeInsertExpr,
    def: &TableDef,
    scope: &Scope,
    sql: &str,
    live: &[usize],
) -> Result<(Vec<usize>, Vec<Option<Expr>>)> {
    let default_values = matches!(ins.columns.as_slice(),
        [c] if crate::binder::object_name(c).last().map(String::as_str)
            == Some(crate::parser::DEFAULT_VALUES_MARK));
    if default_values {
        return Ok((Vec::new(), Vec::new()));
    }
    let targets: Vec<usize> = if ins.columns.is_empty() {
        live.to_vec()
    } else {
        target_columns(def, &ins.columns, sql)?
    };
    let ast::MergeInsertKind::Values(v) = &ins.kind else {
        return Err(SqlError::syntax("syntax error at or near \"ROW\"", None));
    };
    let [row] = v.rows.as_slice() else {
        return Err(SqlError::syntax(
            "syntax error at or near \",\"",
            v.rows
                .get(1)
                .and_then(|r| r.content.first())
                .and_then(|e| b.pos_of(e)),
        ));
    };
    if row.content.len() > targets.len() {
        return Err(SqlError::syntax(
            "INSERT has more expressions than target columns",
            b.pos_of(&row.content[targets.len()]),
        ));
    }
    if row.content.len() < targets.len() && !ins.columns.is_empty() {
        return Err(SqlError::syntax(
            "INSERT has more target columns than expressions",
            ins.columns.get(row.content.len()).and_then(|c| b.pos_of(c)),
        ));
    }
    let before = b.refuse_aggregates("aggregate functions are not allowed in VALUES");
    let mut values = Vec::with_capacity(targets.len());
    let mut failed = None;
    for (e, &i) in row.content.iter().zip(&targets) {
        if super::modify::is_default(e) {
            values.push(None);
            continue;
        }
        let bound = b
            .expr(e, scope)
            .and_then(|x| super::modify::check_identity_insert(def, i, None).map(|()| x))
            .and_then(|x| assign(b, x, def, i));
        match bound {
            Ok(x) => values.push(Some(x)),
            Err(err) => {
                failed = Some(err);
                break;
            }
        }
    }
    b.allow_aggregates(before);
    if let Some(err) = failed {
        return Err(err);
    }
    Ok((targets[..values.len()].to_vec(), values))
}

/// A sink that keeps the count of INSERT's command tag and passes its
/// notices on.
struct Counted<'a> {
    inner: &'a mut dyn ResultSink,
    count: u64,
}

impl ResultSink for Counted<'_> {
    fn row_description(&mut self, _: &[OutputColumn]) -> Result<()> {
        Ok(())
    }
    fn data_row(&mut self, _: &[Value], _: &OutputStyle) -> Result<()> {
        Ok(())
    }
    fn command_complete(&mut self, tag: &str) -> Result<()> {
        self.count = tag
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Ok(())
    }
    fn empty_query(&mut self) -> Result<()> {
        Ok(())
    }
    fn notice(&mut self, n: &SqlError) -> Result<()> {
        self.inner.notice(n)
    }
    fn portal_suspended(&mut self) -> Result<()> {
        Ok(())
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        None
    }
}
