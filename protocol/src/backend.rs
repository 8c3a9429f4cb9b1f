//! Backend (server to client) messages and their encoding.

use bytes::{BufMut, Bytes, BytesMut};

use crate::SqlState;

/// The transaction status a ReadyForQuery reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionStatus {
    /// 'I': not in a transaction block.
    Idle,
    /// 'T': in a transaction block.
    InBlock,
    /// 'E': in a failed transaction block (queries rejected until rollback).
    Failed,
}

/// The severity of an ErrorResponse or NoticeResponse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The statement failed; the session goes on.
    Error,
    /// The session ends.
    Fatal,
    /// Every session ends.
    Panic,
    /// A warning notice.
    Warning,
    /// A notice.
    Notice,
    /// Debugging output.
    Debug,
    /// Information the client asked for.
    Info,
    /// A log message.
    Log,
}

impl Severity {
    /// The non-localized name sent in the 'S' and 'V' fields.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
            Severity::Panic => "PANIC",
            Severity::Warning => "WARNING",
            Severity::Notice => "NOTICE",
            Severity::Debug => "DEBUG",
            Severity::Info => "INFO",
            Severity::Log => "LOG",
        }
    }
}

/// The fields of an ErrorResponse or NoticeResponse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFields {
    /// 'S' and 'V'.
    pub severity: Severity,
    /// 'C'.
    pub code: SqlState,
    /// 'M': primary message.
    pub message: String,
    /// 'D'.
    pub detail: Option<String>,
    /// 'H'.
    pub hint: Option<String>,
    /// 'P': 1-based character position in the query text.
    pub position: Option<u32>,
    /// 'W': context (call stack).
    pub context: Option<String>,
    /// 's'.
    pub schema: Option<String>,
    /// 't'.
    pub table: Option<String>,
    /// 'c'.
    pub column: Option<String>,
    /// 'd'.
    pub datatype: Option<String>,
    /// 'n'.
    pub constraint: Option<String>,
    /// 'R': the server routine that raised it.
    pub routine: Option<String>,
}

impl ErrorFields {
    /// Fields with only severity, code and message set.
    pub fn new(severity: Severity, code: SqlState, message: impl Into<String>) -> Self {
        ErrorFields {
            severity,
            code,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            context: None,
            schema: None,
            table: None,
            column: None,
            datatype: None,
            constraint: None,
            routine: None,
        }
    }

    fn encode(&self, buf: &mut BytesMut) {
        let sev = self.severity.as_str();
        put_field(buf, b'S', sev);
        put_field(buf, b'V', sev);
        put_field(buf, b'C', self.code.code());
        put_field(buf, b'M', &self.message);
        let optional = [
            (b'D', &self.detail),
            (b'H', &self.hint),
            (b'W', &self.context),
            (b's', &self.schema),
            (b't', &self.table),
            (b'c', &self.column),
            (b'd', &self.datatype),
            (b'n', &self.constraint),
        ];
        for (code, value) in optional {
            if let Some(v) = value {
                put_field(buf, code, v);
            }
        }
        if let Some(p) = self.position {
            put_field(buf, b'P', &p.to_string());
        }
        if let Some(r) = &self.routine {
            put_field(buf, b'R', r);
        }
        buf.put_u8(0);
    }
}

fn put_field(buf: &mut BytesMut, code: u8, value: &str) {
    buf.put_u8(code);
    put_cstr(buf, value);
}

/// One column of a RowDescription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDescription {
    /// Column name.
    pub name: String,
    /// OID of the table the column comes from, or 0.
    pub table_oid: u32,
    /// Attribute number in that table, or 0.
    pub column_id: i16,
    /// OID of the column's type.
    pub type_oid: u32,
    /// pg_type.typlen: byte size, or -1 (varlena) / -2 (cstring).
    pub type_size: i16,
    /// Type modifier (e.g. varchar length + 4), or -1.
    pub type_modifier: i32,
    /// 0 text, 1 binary.
    pub format: i16,
}

/// One message from server to client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendMessage {
    /// 'R' 0: authentication succeeded.
    AuthenticationOk,
    /// 'R' 3: send the password in clear text.
    AuthenticationCleartextPassword,
    /// 'R' 5: send an MD5 hashed password with this salt.
    AuthenticationMd5Password([u8; 4]),
    /// 'R' 10: start SASL with one of these mechanisms.
    AuthenticationSasl(Vec<String>),
    /// 'R' 11: SASL challenge.
    AuthenticationSaslContinue(Bytes),
    /// 'R' 12: SASL outcome.
    AuthenticationSaslFinal(Bytes),
    /// 'K': the pid and secret key a CancelRequest must quote.
    BackendKeyData {
        /// Process id of this backend.
        pid: i32,
        /// Secret key.
        key: i32,
    },
    /// '2'.
    BindComplete,
    /// '3'.
    CloseComplete,
    /// 'C': a statement finished; the tag says what it did ("SELECT 2").
    CommandComplete(String),
    /// 'd'.
    CopyData(Bytes),
    /// 'c'.
    CopyDone,
    /// 'G': the server is ready to receive COPY data.
    CopyInResponse {
        /// Overall format: 0 text, 1 binary.
        format: i8,
        /// Per-column formats.
        column_formats: Vec<i16>,
    },
    /// 'H': COPY TO STDOUT data follows.
    CopyOutResponse {
        /// Overall format: 0 text, 1 binary.
        format: i8,
        /// Per-column formats.
        column_formats: Vec<i16>,
    },
    /// 'W': streaming replication copy both ways.
    CopyBothResponse {
        /// Overall format: 0 text, 1 binary.
        format: i8,
        /// Per-column formats.
        column_formats: Vec<i16>,
    },
    /// 'D': one row; None is NULL.
    DataRow(Vec<Option<Bytes>>),
    /// 'I': the query string was empty.
    EmptyQueryResponse,
    /// 'E'.
    ErrorResponse(ErrorFields),
    /// 'V': result of a FunctionCall; None is NULL.
    FunctionCallResponse(Option<Bytes>),
    /// 'v': the newest minor version served and the protocol options not
    /// recognised.
    NegotiateProtocolVersion {
        /// Newest minor protocol version supported.
        newest_minor: i32,
        /// `_pq_.` options the server did not recognise.
        unrecognized: Vec<String>,
    },
    /// 'n': a statement returns no rows.
    NoData,
    /// 'N'.
    NoticeResponse(ErrorFields),
    /// 'A': NOTIFY delivered.
    NotificationResponse {
        /// Pid of the notifying backend.
        pid: i32,
        /// Channel name.
        channel: String,
        /// Payload.
        payload: String,
    },
    /// 't': parameter type OIDs of a prepared statement.
    ParameterDescription(Vec<u32>),
    /// 'S': a reported setting's current value.
    ParameterStatus {
        /// Setting name.
        name: String,
        /// Its value.
        value: String,
    },
    /// '1'.
    ParseComplete,
    /// 's': Execute's row limit was reached.
    PortalSuspended,
    /// 'Z': ready for the next query.
    ReadyForQuery(TransactionStatus),
    /// 'T': the columns of the rows that follow.
    RowDescription(Vec<FieldDescription>),
}

impl BackendMessage {
    /// Appends the message, framed, to `buf`.
    pub fn encode(&self, buf: &mut BytesMut) {
        let tag = self.tag();
        buf.put_u8(tag);
        let start = buf.len();
        buf.put_i32(0);
        self.encode_body(buf);
        patch_len(buf, start);
    }

    fn tag(&self) -> u8 {
        use BackendMessage::*;
        match self {
            AuthenticationOk
            | AuthenticationCleartextPassword
            | AuthenticationMd5Password(_)
            | AuthenticationSasl(_)
            | AuthenticationSaslContinue(_)
            | AuthenticationSaslFinal(_) => b'R',
            BackendKeyData { .. } => b'K',
            BindComplete => b'2',
            CloseComplete => b'3',
            CommandComplete(_) => b'C',
            CopyData(_) => b'd',
            CopyDone => b'c',
            CopyInResponse { .. } => b'G',
            CopyOutResponse { .. } => b'H',
            CopyBothResponse { .. } => b'W',
            DataRow(_) => b'D',
            EmptyQueryResponse => b'I',
            ErrorResponse(_) => b'E',
            FunctionCallResponse(_) => b'V',
            NegotiateProtocolVersion { .. } => b'v',
            NoData => b'n',
            NoticeResponse(_) => b'N',
            NotificationResponse { .. } => b'A',
            ParameterDescription(_) => b't',
            ParameterStatus { .. } => b'S',
            ParseComplete => b'1',
            PortalSuspended => b's',
            ReadyForQuery(_) => b'Z',
            RowDescription(_) => b'T',
        }
    }

    fn encode_body(&self, buf: &mut BytesMut) {
        use BackendMessage::*;
        match self {
            AuthenticationOk => buf.put_i32(0),
            AuthenticationCleartextPassword => buf.put_i32(3),
            AuthenticationMd5Password(salt) => {
                buf.put_i32(5);
                buf.put_slice(salt);
            }
            AuthenticationSasl(mechanisms) => {
                buf.put_i32(10);
                for m in mechanisms {
                    put_cstr(buf, m);
                }
                buf.put_u8(0);
            }
            AuthenticationSaslContinue(data) => {
                buf.put_i32(11);
                buf.put_slice(data);
            }
            AuthenticationSaslFinal(data) => {
                buf.put_i32(12);
                buf.put_slice(data);
            }
            BackendKeyData { pid, key } => {
                buf.put_i32(*pid);
                buf.put_i32(*key);
            }
            BindComplete | CloseComplete | CopyDone | EmptyQueryResponse | NoData
            | ParseComplete | PortalSuspended => {}
            CommandComplete(tag) => put_cstr(buf, tag),
            CopyData(data) => buf.put_slice(data),
            CopyInResponse {
                format,
                column_formats,
            }
            | CopyOutResponse {
                format,
                column_formats,
            }
            | CopyBothResponse {
                format,
                column_formats,
            } => {
                buf.put_i8(*format);
                buf.put_i16(len16(column_formats.len()));
                for f in column_formats {
                    buf.put_i16(*f);
                }
            }
            DataRow(values) => {
                buf.put_i16(len16(values.len()));
                for v in values {
                    put_value(buf, v.as_deref());
                }
            }
            ErrorResponse(fields) | NoticeResponse(fields) => fields.encode(buf),
            FunctionCallResponse(value) => put_value(buf, value.as_deref()),
            NegotiateProtocolVersion {
                newest_minor,
                unrecognized,
            } => {
                buf.put_i32(*newest_minor);
                buf.put_i32(unrecognized.len() as i32);
                for o in unrecognized {
                    put_cstr(buf, o);
                }
            }
            NotificationResponse {
                pid,
                channel,
                payload,
            } => {
                buf.put_i32(*pid);
                put_cstr(buf, channel);
                put_cstr(buf, payload);
            }
            ParameterDescription(types) => {
                buf.put_i16(len16(types.len()));
                for t in types {
                    buf.put_u32(*t);
                }
            }
            ParameterStatus { name, value } => {
                put_cstr(buf, name);
                put_cstr(buf, value);
            }
            ReadyForQuery(status) => buf.put_u8(match status {
                TransactionStatus::Idle => b'I',
                TransactionStatus::InBlock => b'T',
                TransactionStatus::Failed => b'E',
            }),
            RowDescription(fields) => {
                buf.put_i16(len16(fields.len()));
                for f in fields {
                    put_cstr(buf, &f.name);
                    buf.put_u32(f.table_oid);
                    buf.put_i16(f.column_id);
                    buf.put_u32(f.type_oid);
                    buf.put_i16(f.type_size);
                    buf.put_i32(f.type_modifier);
                    buf.put_i16(f.format);
                }
            }
        }
    }
}

/// Appends a DataRow straight from borrowed values, without building a
/// `Vec<Option<Bytes>>`: the hot path for result rows. `write` is called
/// once per column and appends the column's bytes, returning false for
/// NULL (nothing may be appended then).
pub fn write_data_row(
    buf: &mut BytesMut,
    columns: usize,
    mut write: impl FnMut(usize, &mut BytesMut) -> bool,
) {
    buf.put_u8(b'D');
    let start = buf.len();
    buf.put_i32(0);
    buf.put_i16(len16(columns));
    for i in 0..columns {
        let len_at = buf.len();
        buf.put_i32(0);
        if write(i, buf) {
            let n = buf.len() - len_at - 4;
            buf[len_at..len_at + 4].copy_from_slice(&(n as i32).to_be_bytes());
        } else {
            buf.truncate(len_at);
            buf.put_i32(-1);
        }
    }
    patch_len(buf, start);
}

/// Writes the length of the message whose length word is at `start`.
fn patch_len(buf: &mut BytesMut, start: usize) {
    let len = (buf.len() - start) as i32;
    buf[start..start + 4].copy_from_slice(&len.to_be_bytes());
}

fn put_cstr(buf: &mut BytesMut, s: &str) {
    // A NUL inside would end the string early on the client; PostgreSQL
    // cannot produce one either, so drop it.
    if s.as_bytes().contains(&0) {
        buf.put_slice(s.replace('\0', "").as_bytes());
    } else {
        buf.put_slice(s.as_bytes());
    }
    buf.put_u8(0);
}

fn put_value(buf: &mut BytesMut, v: Option<&[u8]>) {
    match v {
        Some(v) => {
            buf.put_i32(v.len() as i32);
            buf.put_slice(v);
        }
        None => buf.put_i32(-1),
    }
}

/// Column and parameter counts are int16 on the wire; callers keep them
/// within PostgreSQL's limit of 1664 columns, so this only saturates.
fn len16(n: usize) -> i16 {
    i16::try_from(n).unwrap_or(i16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fallible_iterator::FallibleIterator;
    use postgres_protocol::message::backend::{ErrorFields as PgFields, Message};
    use proptest::prelude::*;

    fn parse(msg: &BackendMessage) -> Message {
        let mut buf = BytesMut::new();
        msg.encode(&mut buf);
        let len = buf.len();
        let parsed = Message::parse(&mut buf).unwrap().expect("a whole message");
        assert!(buf.is_empty(), "message of {len} bytes not fully consumed");
        parsed
    }

    fn text() -> impl Strategy<Value = String> {
        "[^\u{0}]{0,30}"
    }

    fn fields_of(mut f: PgFields<'_>) -> Vec<(u8, String)> {
        let mut out = Vec::new();
        while let Some(field) = f.next().unwrap() {
            out.push((
                field.type_(),
                String::from_utf8_lossy(field.value_bytes()).into_owned(),
            ));
        }
        out
    }

    #[test]
    fn error_response_field_order() {
        let mut e = ErrorFields::new(Severity::Error, SqlState::SYNTAX_ERROR, "syntax error");
        e.position = Some(8);
        let Message::ErrorResponse(body) = parse(&BackendMessage::ErrorResponse(e)) else {
            panic!("not an error")
        };
        assert_eq!(
            fields_of(body.fields()),
            vec![
                (b'S', "ERROR".into()),
                (b'V', "ERROR".into()),
                (b'C', "42601".into()),
                (b'M', "syntax error".into()),
                (b'P', "8".into()),
            ]
        );
    }

    #[test]
    fn negotiate_protocol_version_bytes() {
        let mut buf = BytesMut::new();
        BackendMessage::NegotiateProtocolVersion {
            newest_minor: 0,
            unrecognized: vec!["_pq_.x".into()],
        }
        .encode(&mut buf);
        assert_eq!(&buf[..], b"v\0\0\0\x13\0\0\0\0\0\0\0\x01_pq_.x\0");
    }

    #[test]
    fn function_call_response_and_copy_both_bytes() {
        let mut buf = BytesMut::new();
        BackendMessage::FunctionCallResponse(None).encode(&mut buf);
        assert_eq!(&buf[..], b"V\0\0\0\x08\xff\xff\xff\xff");
        let mut buf = BytesMut::new();
        BackendMessage::CopyBothResponse {
            format: 0,
            column_formats: vec![],
        }
        .encode(&mut buf);
        assert_eq!(&buf[..], b"W\0\0\0\x07\0\0\0");
    }

    #[test]
    fn write_data_row_matches_data_row() {
        let values = vec![Some(Bytes::from_static(b"12")), None, Some(Bytes::new())];
        let mut a = BytesMut::new();
        BackendMessage::DataRow(values.clone()).encode(&mut a);
        let mut b = BytesMut::new();
        write_data_row(&mut b, values.len(), |i, out| match &values[i] {
            Some(v) => {
                out.put_slice(v);
                true
            }
            None => false,
        });
        assert_eq!(a, b);
    }

    proptest! {
        #[test]
        fn data_row_round_trips(values in prop::collection::vec(prop::option::of(prop::collection::vec(any::<u8>(), 0..20)), 0..10)) {
            let msg = BackendMessage::DataRow(values.iter().cloned().map(|v| v.map(Bytes::from)).collect());
            let Message::DataRow(body) = parse(&msg) else { panic!("not a data row") };
            let buf = body.buffer();
            let got: Vec<Option<Vec<u8>>> = body.ranges().map(|r| Ok(r.map(|r| buf[r].to_vec()))).collect().unwrap();
            prop_assert_eq!(got, values);
        }

        #[test]
        fn row_description_round_trips(names in prop::collection::vec(text(), 0..6), oid in any::<u32>(), size in any::<i16>(), typmod in any::<i32>(), col in any::<i16>()) {
            let fields: Vec<FieldDescription> = names.iter().map(|n| FieldDescription {
                name: n.clone(), table_oid: oid, column_id: col, type_oid: oid.wrapping_add(1),
                type_size: size, type_modifier: typmod, format: 0,
            }).collect();
            let Message::RowDescription(body) = parse(&BackendMessage::RowDescription(fields.clone())) else { panic!() };
            let got: Vec<FieldDescription> = body.fields().map(|f| Ok(FieldDescription {
                name: f.name().to_owned(), table_oid: f.table_oid(), column_id: f.column_id(),
                type_oid: f.type_oid(), type_size: f.type_size(), type_modifier: f.type_modifier(), format: f.format(),
            })).collect().unwrap();
            prop_assert_eq!(got, fields);
        }

        #[test]
        fn command_complete_and_status_round_trip(tag in text(), name in text(), value in text()) {
            let Message::CommandComplete(body) = parse(&BackendMessage::CommandComplete(tag.clone())) else { panic!() };
            prop_assert_eq!(body.tag().unwrap(), tag.as_str());
            let Message::ParameterStatus(body) = parse(&BackendMessage::ParameterStatus { name: name.clone(), value: value.clone() }) else { panic!() };
            prop_assert_eq!(body.name().unwrap(), name.as_str());
            prop_assert_eq!(body.value().unwrap(), value.as_str());
        }

        #[test]
        fn error_and_notice_round_trip(msg in text(), detail in prop::option::of(text()), hint in prop::option::of(text()), pos in prop::option::of(1u32..10000), notice in any::<bool>()) {
            let mut f = ErrorFields::new(Severity::Error, SqlState::DIVISION_BY_ZERO, msg.clone());
            f.detail = detail.clone();
            f.hint = hint.clone();
            f.position = pos;
            let body = if notice {
                let Message::NoticeResponse(b) = parse(&BackendMessage::NoticeResponse(f)) else { panic!() };
                fields_of(b.fields())
            } else {
                let Message::ErrorResponse(b) = parse(&BackendMessage::ErrorResponse(f)) else { panic!() };
                fields_of(b.fields())
            };
            let get = |c: u8| body.iter().find(|(t, _)| *t == c).map(|(_, v)| v.clone());
            prop_assert_eq!(get(b'C'), Some("22012".to_string()));
            prop_assert_eq!(get(b'M'), Some(msg));
            prop_assert_eq!(get(b'D'), detail);
            prop_assert_eq!(get(b'H'), hint);
            prop_assert_eq!(get(b'P'), pos.map(|p| p.to_string()));
        }

        #[test]
        fn key_data_ready_and_auth_round_trip(pid in any::<i32>(), key in any::<i32>(), salt in any::<[u8; 4]>(), state in 0u8..3) {
            let Message::BackendKeyData(b) = parse(&BackendMessage::BackendKeyData { pid, key }) else { panic!() };
            prop_assert_eq!((b.process_id(), b.secret_key()), (pid, key));
            let status = [TransactionStatus::Idle, TransactionStatus::InBlock, TransactionStatus::Failed][state as usize];
            let Message::ReadyForQuery(b) = parse(&BackendMessage::ReadyForQuery(status)) else { panic!() };
            prop_assert_eq!(b.status(), b"ITE"[state as usize]);
            let Message::AuthenticationMd5Password(b) = parse(&BackendMessage::AuthenticationMd5Password(salt)) else { panic!() };
            prop_assert_eq!(b.salt(), salt);
            prop_assert!(matches!(parse(&BackendMessage::AuthenticationOk), Message::AuthenticationOk));
            prop_assert!(matches!(parse(&BackendMessage::AuthenticationCleartextPassword), Message::AuthenticationCleartextPassword));
        }

        #[test]
        fn sasl_round_trips(mechs in prop::collection::vec("[A-Z0-9-]{1,20}", 1..3), data in prop::collection::vec(any::<u8>(), 0..40)) {
            let Message::AuthenticationSasl(b) = parse(&BackendMessage::AuthenticationSasl(mechs.clone())) else { panic!() };
            let got: Vec<String> = b.mechanisms().map(|m| Ok(m.to_owned())).collect().unwrap();
            prop_assert_eq!(got, mechs);
            let Message::AuthenticationSaslContinue(b) = parse(&BackendMessage::AuthenticationSaslContinue(Bytes::from(data.clone()))) else { panic!() };
            prop_assert_eq!(b.data(), &data[..]);
            let Message::AuthenticationSaslFinal(b) = parse(&BackendMessage::AuthenticationSaslFinal(Bytes::from(data.clone()))) else { panic!() };
            prop_assert_eq!(b.data(), &data[..]);
        }

        #[test]
        fn copy_and_misc_round_trip(data in prop::collection::vec(any::<u8>(), 0..40), formats in prop::collection::vec(0i16..2, 0..5), types in prop::collection::vec(any::<u32>(), 0..5), channel in text(), payload in text(), pid in any::<i32>()) {
            let Message::CopyData(b) = parse(&BackendMessage::CopyData(Bytes::from(data.clone()))) else { panic!() };
            prop_assert_eq!(b.data(), &data[..]);
            let Message::CopyInResponse(b) = parse(&BackendMessage::CopyInResponse { format: 0, column_formats: formats.clone() }) else { panic!() };
            let got: Vec<i16> = b.column_formats().map(|f| Ok(f as i16)).collect().unwrap();
            prop_assert_eq!((b.format(), got), (0, formats.clone()));
            let Message::CopyOutResponse(b) = parse(&BackendMessage::CopyOutResponse { format: 1, column_formats: formats.clone() }) else { panic!() };
            let got: Vec<i16> = b.column_formats().map(|f| Ok(f as i16)).collect().unwrap();
            prop_assert_eq!((b.format(), got), (1, formats));
            let Message::ParameterDescription(b) = parse(&BackendMessage::ParameterDescription(types.clone())) else { panic!() };
            let got: Vec<u32> = b.parameters().collect().unwrap();
            prop_assert_eq!(got, types);
            let Message::NotificationResponse(b) = parse(&BackendMessage::NotificationResponse { pid, channel: channel.clone(), payload: payload.clone() }) else { panic!() };
            prop_assert_eq!((b.process_id(), b.channel().unwrap(), b.message().unwrap()), (pid, channel.as_str(), payload.as_str()));
            for (m, check) in [
                (BackendMessage::BindComplete, b'2'), (BackendMessage::CloseComplete, b'3'),
                (BackendMessage::CopyDone, b'c'), (BackendMessage::EmptyQueryResponse, b'I'),
                (BackendMessage::NoData, b'n'), (BackendMessage::ParseComplete, b'1'),
                (BackendMessage::PortalSuspended, b's'),
            ] {
                let parsed = parse(&m);
                let ok = matches!((check, parsed),
                    (b'2', Message::BindComplete) | (b'3', Message::CloseComplete) | (b'c', Message::CopyDone)
                    | (b'I', Message::EmptyQueryResponse) | (b'n', Message::NoData)
                    | (b'1', Message::ParseComplete) | (b's', Message::PortalSuspended));
                prop_assert!(ok, "{:?}", m);
            }
        }
    }
}
