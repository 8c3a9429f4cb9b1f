//! The startup exchange, as plain decisions: what to answer to each
//! startup-phase packet. The Backend actor carries them out.

use actorgres_protocol::{BackendMessage, StartupPacket};
use actorgres_sql::{SqlError, SqlState};

/// What a startup-phase packet calls for.
#[derive(Debug)]
pub enum StartupReply {
    /// SSLRequest / GSSENCRequest: answer 'N' (not served) and keep
    /// reading the startup phase.
    Decline,
    /// CancelRequest: forward it to the Postmaster and close, answering
    /// nothing.
    Cancel {
        /// Target pid.
        pid: i32,
        /// Its secret key.
        key: i32,
    },
    /// A protocol older than 3.0: PostgreSQL answers in the old protocol's
    /// error format (`E`, text, NUL) and closes.
    LegacyFatal(String),
    /// Answer FATAL and close.
    Fatal(SqlError),
    /// Go on to admission and authentication.
    Accept(Box<Accept>),
}

/// An acceptable StartupMessage.
#[derive(Debug)]
pub struct Accept {
    /// The user name.
    pub user: String,
    /// The database name (defaults to the user name).
    pub database: String,
    /// All parameters as sent (for session settings).
    pub params: Vec<(String, String)>,
    /// NegotiateProtocolVersion to send first, when the client asked for
    /// a newer minor version or for `_pq_.` options.
    pub negotiate: Option<BackendMessage>,
}

/// The version PostgreSQL 15 serves, as it writes it in
/// NegotiateProtocolVersion (the whole version number, 3.0).
const PROTOCOL_LATEST: i32 = 3 << 16;

/// Decides the answer to a startup-phase packet.
pub fn decide(packet: StartupPacket) -> StartupReply {
    match packet {
        StartupPacket::SslRequest | StartupPacket::GssEncRequest => StartupReply::Decline,
        StartupPacket::CancelRequest { pid, key } => StartupReply::Cancel { pid, key },
        StartupPacket::Startup {
            major,
            minor,
            params,
        } => {
            if major != 3 {
                let msg = format!(
                    "unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0"
                );
                return if major < 3 {
                    StartupReply::LegacyFatal(msg)
                } else {
                    StartupReply::Fatal(SqlError::fatal(SqlState::FEATURE_NOT_SUPPORTED, msg))
                };
            }
            let get = |name: &str| {
                params
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
            };
            let mut user = match get("user") {
                Some(u) if !u.is_empty() => u,
                _ => {
                    return StartupReply::Fatal(SqlError::fatal(
                        SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
                        "no PostgreSQL user name specified in startup packet",
                    ))
                }
            };
            let mut database = get("database")
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| user.clone());
            // As ProcessStartupPacket: names longer than NAMEDATALEN - 1
            // bytes are cut, silently.
            actorgres_sql::truncate_identifier(&mut user);
            actorgres_sql::truncate_identifier(&mut database);
            let unrecognized: Vec<String> = params
                .iter()
                .filter(|(n, _)| n.starts_with("_pq_."))
                .map(|(n, _)| n.clone())
                .collect();
            let negotiate = (minor > 0 || !unrecognized.is_empty()).then_some(
                BackendMessage::NegotiateProtocolVersion {
                    newest_minor: PROTOCOL_LATEST,
                    unrecognized,
                },
            );
            StartupReply::Accept(Box::new(Accept {
                user,
                database,
                params,
                negotiate,
            }))
        }
    }
}

/// The old protocol's error packet: 'E', the text, a newline, NUL.
pub fn legacy_error(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 12);
    out.push(b'E');
    out.extend_from_slice(b"FATAL:  ");
    out.extend_from_slice(message.as_bytes());
    out.extend_from_slice(b"\n\0");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn startup(major: u16, minor: u16, params: &[(&str, &str)]) -> StartupPacket {
        StartupPacket::Startup {
            major,
            minor,
            params: params
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn accepts_3_0_with_database_defaulting_to_user() {
        let StartupReply::Accept(a) = decide(startup(3, 0, &[("user", "alice")])) else {
            panic!("not accepted")
        };
        assert_eq!((a.user.as_str(), a.database.as_str()), ("alice", "alice"));
        assert!(a.negotiate.is_none());
    }

    #[test]
    fn newer_minor_and_pq_options_negotiate() {
        let StartupReply::Accept(a) = decide(startup(3, 1, &[("user", "u"), ("_pq_.foo", "1")]))
        else {
            panic!("not accepted")
        };
        // PostgreSQL 15 sends its whole version number (0x00030000) here.
        assert_eq!(
            a.negotiate,
            Some(BackendMessage::NegotiateProtocolVersion {
                newest_minor: 196608,
                unrecognized: vec!["_pq_.foo".into()]
            })
        );
    }

    #[test]
    fn bad_versions_and_missing_user_are_fatal() {
        match decide(startup(2, 0, &[("user", "u")])) {
            StartupReply::LegacyFatal(m) => {
                assert_eq!(
                    m,
                    "unsupported frontend protocol 2.0: server supports 3.0 to 3.0"
                )
            }
            other => panic!("{other:?}"),
        }
        match decide(startup(4, 0, &[("user", "u")])) {
            StartupReply::Fatal(e) => assert_eq!(e.code(), SqlState::FEATURE_NOT_SUPPORTED),
            other => panic!("{other:?}"),
        }
        match decide(startup(3, 0, &[("database", "d")])) {
            StartupReply::Fatal(e) => {
                assert_eq!(e.code(), SqlState::INVALID_AUTHORIZATION_SPECIFICATION);
                assert_eq!(
                    e.message(),
                    "no PostgreSQL user name specified in startup packet"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            legacy_error("x"),
            b"EFATAL:  x\n\0".to_vec(),
            "the bytes PostgreSQL 15 sends"
        );
    }

    #[test]
    fn ssl_gss_and_cancel() {
        assert!(matches!(
            decide(StartupPacket::SslRequest),
            StartupReply::Decline
        ));
        assert!(matches!(
            decide(StartupPacket::GssEncRequest),
            StartupReply::Decline
        ));
        assert!(matches!(
            decide(StartupPacket::CancelRequest { pid: 1, key: 2 }),
            StartupReply::Cancel { pid: 1, key: 2 }
        ));
    }
}
