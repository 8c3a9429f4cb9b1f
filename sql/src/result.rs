//! Where results go: the Backend implements [`ResultSink`] by encoding
//! protocol messages; tests implement it by collecting rows.

use crate::error::{Result, SqlError};
use crate::plan::OutputColumn;
use crate::value::{OutputStyle, Value};

/// Receives the results of statements as they are produced, so rows can
/// stream to the client in batches instead of after the whole result.
pub trait ResultSink {
    /// Columns of the rows that follow (RowDescription).
    fn row_description(&mut self, columns: &[OutputColumn]) -> Result<()>;
    /// Columns of the rows that follow, in the given formats (0 text,
    /// 1 binary): a BINARY cursor's FETCH. Sinks that do not reach a
    /// client keep values as they are.
    fn row_description_formats(
        &mut self,
        columns: &[OutputColumn],
        _formats: &[i16],
    ) -> Result<()> {
        self.row_description(columns)
    }
    /// One row (DataRow); `style` gives the text form of each value.
    fn data_row(&mut self, row: &[Value], style: &OutputStyle) -> Result<()>;
    /// A statement finished with this command tag (CommandComplete).
    fn command_complete(&mut self, tag: &str) -> Result<()>;
    /// The query string held no statement (EmptyQueryResponse).
    fn empty_query(&mut self) -> Result<()>;
    /// A WARNING or NOTICE (NoticeResponse).
    fn notice(&mut self, notice: &SqlError) -> Result<()>;
    /// An Execute with a row limit stopped at it (PortalSuspended).
    fn portal_suspended(&mut self) -> Result<()>;
    /// The client connection's COPY stream, if this sink reaches a
    /// client (COPY FROM STDIN / TO STDOUT); wrappers pass it through.
    fn copy(&mut self) -> Option<&mut dyn CopyChannel>;
}

/// COPY data to and from the client (CopyOutResponse, CopyData,
/// CopyDone; CopyInResponse and the client's CopyData).
pub trait CopyChannel {
    /// CopyOutResponse: `columns` columns follow, in binary or text.
    fn copy_out_start(&mut self, binary: bool, columns: usize) -> Result<()>;
    /// One CopyData message (a row, or the binary header or trailer).
    fn copy_out_data(&mut self, data: &[u8]) -> Result<()>;
    /// CopyDone.
    fn copy_out_done(&mut self) -> Result<()>;
    /// CopyInResponse, sent to the client at once: it starts sending.
    fn copy_in_start(&mut self, binary: bool, columns: usize) -> Result<()>;
    /// The client's next piece of data (message boundaries mean
    /// nothing); None after CopyDone. CopyFail is 57014 "COPY from stdin
    /// failed: ..."; another message is 08P01.
    fn copy_in_read(&mut self) -> Result<Option<bytes::Bytes>>;
}

/// A sink that keeps everything, for tests and tools.
#[derive(Debug, Default)]
pub struct CollectSink {
    /// Everything received, in order.
    pub events: Vec<Event>,
    /// What COPY FROM STDIN reads, chunk by chunk (then CopyDone).
    pub copy_input: std::collections::VecDeque<bytes::Bytes>,
}

/// One thing a [`CollectSink`] received.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Column names.
    Columns(Vec<OutputColumn>),
    /// A row as text (None for NULL).
    Row(Vec<Option<String>>),
    /// A command tag.
    Complete(String),
    /// An empty query.
    Empty,
    /// A notice's message.
    Notice(String),
    /// A portal stopped at its row limit.
    Suspended,
    /// COPY started: (to the client, binary, columns).
    CopyStart(bool, bool, usize),
    /// One CopyData message sent to the client.
    CopyData(Vec<u8>),
    /// CopyDone sent to the client.
    CopyDone,
}

impl ResultSink for CollectSink {
    fn row_description(&mut self, columns: &[OutputColumn]) -> Result<()> {
        self.events.push(Event::Columns(columns.to_vec()));
        Ok(())
    }

    fn data_row(&mut self, row: &[Value], style: &OutputStyle) -> Result<()> {
        self.events
            .push(Event::Row(row.iter().map(|v| v.to_text(style)).collect()));
        Ok(())
    }

    fn command_complete(&mut self, tag: &str) -> Result<()> {
        self.events.push(Event::Complete(tag.to_owned()));
        Ok(())
    }

    fn empty_query(&mut self) -> Result<()> {
        self.events.push(Event::Empty);
        Ok(())
    }

    fn notice(&mut self, notice: &SqlError) -> Result<()> {
        self.events.push(Event::Notice(notice.message().to_owned()));
        Ok(())
    }

    fn portal_suspended(&mut self) -> Result<()> {
        self.events.push(Event::Suspended);
        Ok(())
    }

    fn copy(&mut self) -> Option<&mut dyn CopyChannel> {
        Some(self)
    }
}

impl CopyChannel for CollectSink {
    fn copy_out_start(&mut self, binary: bool, columns: usize) -> Result<()> {
        self.events.push(Event::CopyStart(true, binary, columns));
        Ok(())
    }

    fn copy_out_data(&mut self, data: &[u8]) -> Result<()> {
        self.events.push(Event::CopyData(data.to_vec()));
        Ok(())
    }

    fn copy_out_done(&mut self) -> Result<()> {
        self.events.push(Event::CopyDone);
        Ok(())
    }

    fn copy_in_start(&mut self, binary: bool, columns: usize) -> Result<()> {
        self.events.push(Event::CopyStart(false, binary, columns));
        Ok(())
    }

    fn copy_in_read(&mut self) -> Result<Option<bytes::Bytes>> {
        Ok(self.copy_input.pop_front())
    }
}
