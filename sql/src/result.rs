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
    /// One row (DataRow); `style` gives the text form of each value.
    fn data_row(&mut self, row: &[Value], style: &OutputStyle) -> Result<()>;
    /// A statement finished with this command tag (CommandComplete).
    fn command_complete(&mut self, tag: &str) -> Result<()>;
    /// The query string held no statement (EmptyQueryResponse).
    fn empty_query(&mut self) -> Result<()>;
    /// A WARNING or NOTICE (NoticeResponse).
    fn notice(&mut self, notice: &SqlError) -> Result<()>;
}

/// A sink that keeps everything, for tests and tools.
#[derive(Debug, Default)]
pub struct CollectSink {
    /// Everything received, in order.
    pub events: Vec<Event>,
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
}
