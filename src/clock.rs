//! The date an ISMS is evaluated on: today (or `ISMS_TODAY`), a repository's frozen `as_of`, or
//! a date the user gives. One place, so `isms check`, the other commands and `isms lsp` agree.

use jiff::civil::Date;

use crate::model::Isms;

/// `ISMS_TODAY` is set but is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ISMS_TODAY is `{0}`, not a date: write it as YYYY-MM-DD or unset it")]
pub struct BadToday(pub String);

/// Where an evaluation date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// Given by the user (`--as-of`, the editor's `asOf`).
    Given,
    /// The `as_of` of isms.yaml: a frozen example.
    Frozen,
    /// Today, or `ISMS_TODAY`.
    Today,
}

/// Today's date, or the date in `ISMS_TODAY` when it is set, so that date-driven output can be
/// reproduced on another day (like `SOURCE_DATE_EPOCH` for builds).
pub fn today() -> Result<Date, BadToday> {
    today_from(std::env::var("ISMS_TODAY").ok().as_deref())
}

fn today_from(env: Option<&str>) -> Result<Date, BadToday> {
    match env {
        Some(v) if !v.trim().is_empty() => v.trim().parse().map_err(|_| BadToday(v.to_string())),
        _ => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// The date to evaluate `isms` on: `given` when there is one, else the repository's own `as_of`
/// (a frozen example), else today.
pub fn evaluation_date(given: Option<Date>, isms: &Isms) -> Result<(Date, DateSource), BadToday> {
    if let Some(d) = given {
        return Ok((d, DateSource::Given));
    }
    if let Some(d) = isms.manifest.as_ref().and_then(|m| m.as_of.as_ref()) {
        return Ok((d.value.0, DateSource::Frozen));
    }
    Ok((today()?, DateSource::Today))
}

/// The date to record a decision or a new record on: `given` when there is one, else the
/// repository's frozen `as_of` (so records added to a frozen example are not dated after it),
/// else today.
pub fn record_date(given: Option<Date>, isms: &Isms) -> Result<Date, BadToday> {
    Ok(evaluation_date(given, isms)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isms_today_is_read_and_checked() {
        assert_eq!(
            today_from(Some(" 2026-12-01 ")),
            Ok(jiff::civil::date(2026, 12, 1))
        );
        assert_eq!(
            today_from(Some("07/12/2026")),
            Err(BadToday("07/12/2026".into()))
        );
        assert!(today_from(Some("  ")).is_ok());
    }

    #[test]
    fn given_date_wins_over_a_frozen_one() {
        let isms = Isms::default();
        let d = jiff::civil::date(2025, 6, 30);
        assert_eq!(evaluation_date(Some(d), &isms), Ok((d, DateSource::Given)));
        assert_eq!(
            evaluation_date(None, &isms).map(|x| x.1),
            Ok(DateSource::Today)
        );
    }
}
