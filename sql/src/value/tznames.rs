//! Time zone names and abbreviations as PostgreSQL lists them:
//! pg_timezone_abbrevs (its `Default` abbreviation set, kept here as
//! tznames_default.txt) and pg_timezone_names (every zone of the time
//! zone database, with its abbreviation, offset and daylight-saving
//! state now). Timestamp input reads the fixed-offset abbreviations of
//! the same set.

use std::sync::LazyLock;

/// One abbreviation of the Default set.
#[derive(Debug)]
pub struct Abbrev {
    /// As written (upper case).
    pub name: String,
    /// In lower case, as input is looked up.
    key: String,
    /// What it means.
    pub kind: AbbrevKind,
}

/// A fixed offset, or whatever a zone used the abbreviation for.
#[derive(Debug)]
pub enum AbbrevKind {
    /// Seconds east of UTC, and whether it is a daylight-saving time.
    Fixed(i32, bool),
    /// A zone name (`ART America/Argentina/Buenos_Aires`): its meaning
    /// follows the zone.
    Zone(String),
}

/// The Default set, sorted by name as pg_timezone_abbrevs lists it.
pub fn abbreviations() -> &'static [Abbrev] {
    static SET: LazyLock<Vec<Abbrev>> = LazyLock::new(|| {
        let mut out: Vec<Abbrev> = include_str!("tznames_default.txt")
            .lines()
            .filter_map(|line| {
                let line = line.split('#').next().unwrap_or("");
                let mut words = line.split_whitespace();
                let name = words.next()?;
                if name.starts_with('@') {
                    return None;
                }
                let what = words.next()?;
                let kind = match what.parse::<i32>() {
                    Ok(offset) => AbbrevKind::Fixed(offset, words.next() == Some("D")),
                    Err(_) => AbbrevKind::Zone(what.to_owned()),
                };
                Some(Abbrev {
                    name: name.to_owned(),
                    key: name.to_ascii_lowercase(),
                    kind,
                })
            })
            .collect();
        // Upper-case letters and digits order as their lower case.
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out.dedup_by(|a, b| a.name == b.name);
        out
    });
    &SET
}

/// The abbreviation of the Default set spelled `lower` in lower case.
pub fn lookup(lower: &str) -> Option<&'static Abbrev> {
    let set = abbreviations();
    let i = set.binary_search_by(|a| a.key.as_str().cmp(lower)).ok()?;
    set.get(i)
}

/// The offset (seconds east) of a fixed abbreviation of the Default set,
/// by its lower-case spelling.
pub fn fixed_offset(lower: &str) -> Option<i32> {
    match lookup(lower)?.kind {
        AbbrevKind::Fixed(offset, _) => Some(offset),
        AbbrevKind::Zone(_) => None,
    }
}

/// (abbreviation, seconds east, daylight saving) of each abbreviation at
/// the instant `micros` (since 2000-01-01 UTC): a zone-named one as that
/// zone is then.
pub fn abbreviation_rows(micros: i64) -> Vec<(String, i32, bool)> {
    abbreviations()
        .iter()
        .map(|a| match &a.kind {
            AbbrevKind::Fixed(offset, dst) => (a.name.clone(), *offset, *dst),
            AbbrevKind::Zone(zone) => {
                let (offset, dst) = zone_state(zone, micros).unwrap_or((0, false));
                (a.name.clone(), offset, dst)
            }
        })
        .collect()
}

/// Seconds east and daylight saving of zone `name` at `micros`.
fn zone_state(name: &str, micros: i64) -> Option<(i32, bool)> {
    let tz = jiff::tz::TimeZone::get(name).ok()?;
    let ts = instant(micros)?;
    let info = tz.to_offset_info(ts);
    Some((info.offset().seconds(), info.dst().is_dst()))
}

/// The instant `micros` after 2000-01-01 UTC.
fn instant(micros: i64) -> Option<jiff::Timestamp> {
    let secs = micros.div_euclid(1_000_000) + super::datetime::UNIX_TO_POSTGRES_SECS;
    jiff::Timestamp::from_second(secs).ok()
}

/// (name, abbreviation, seconds east, daylight saving) of every zone of
/// the time zone database at `micros`, and of each again under
/// `posix/`, as PostgreSQL reads the system's zoneinfo directory.
pub fn zone_rows(micros: i64) -> Vec<(String, String, i32, bool)> {
    let Some(ts) = instant(micros) else {
        return Vec::new();
    };
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| !n.starts_with("posix/") && !n.starts_with("right/"))
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::with_capacity(names.len() * 2);
    for prefix in ["", "posix/"] {
        for name in &names {
            let Ok(tz) = jiff::tz::TimeZone::get(name) else {
                continue;
            };
            let info = tz.to_offset_info(ts);
            out.push((
                format!("{prefix}{name}"),
                info.abbreviation().to_owned(),
                info.offset().seconds(),
                info.dst().is_dst(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_reads_as_postgresql_lists_it() {
        let set = abbreviations();
        assert_eq!(set.len(), 195);
        assert_eq!(fixed_offset("pst"), Some(-28800));
        assert_eq!(fixed_offset("nzdt"), Some(46800));
        assert_eq!(fixed_offset("art"), None);
        assert!(set.iter().any(|a| a.name == "ACDT"));
    }
}
