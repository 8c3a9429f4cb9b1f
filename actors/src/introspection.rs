//! The introspection endpoint: the live supervision tree over HTTP.
//!
//! `GET /tree` answers the tree as JSON (asked of the Postmaster, so it is
//! the tree as it is now); `GET /healthz` answers 200 while the Postmaster
//! is alive. It runs on actix-web with one worker and no signal handling
//! of its own (the Postmaster owns signals).

use std::net::SocketAddr;

use actix::Addr;
use actix_web::{web, App, HttpResponse, HttpServer};

use crate::postmaster::{GetTree, Postmaster};

async fn tree(pm: web::Data<Addr<Postmaster>>) -> HttpResponse {
    match pm.send(GetTree).await {
        Ok(tree) => HttpResponse::Ok().json(tree),
        Err(_) => HttpResponse::ServiceUnavailable().body("postmaster is not running\n"),
    }
}

async fn healthz(pm: web::Data<Addr<Postmaster>>) -> HttpResponse {
    if pm.connected() {
        HttpResponse::Ok().body("ok\n")
    } else {
        HttpResponse::ServiceUnavailable().body("postmaster is not running\n")
    }
}

/// Serves the endpoint on `listener` until the System stops.
pub fn serve(
    listener: std::net::TcpListener,
    postmaster: Addr<Postmaster>,
) -> std::io::Result<SocketAddr> {
    let addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(postmaster.clone()))
            .route("/tree", web::get().to(tree))
            .route("/healthz", web::get().to(healthz))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    actix_rt::spawn(server);
    Ok(addr)
}
