//! The risk heat map: likelihood × impact grids (inherent and residual) laid out as data for an
//! inline SVG in HTML and a table in Markdown. All coordinates are computed here so templates
//! only emit elements, and the picture needs no script or external file.

use serde::Serialize;

use crate::model::{Isms, Rating};
use crate::yaml::Spanned;

/// Width and height of one cell, in SVG user units.
const CELL: u32 = 64;
/// Room left of the grid for likelihood labels.
const LEFT: u32 = 150;
/// Room above the grid.
const TOP: u32 = 16;
/// Room below the grid for impact labels and the axis title.
const BOTTOM: u32 = 70;

/// A text label in the SVG.
#[derive(Debug, Clone, Serialize)]
pub struct SvgLabel {
    /// X position.
    pub x: u32,
    /// Y position.
    pub y: u32,
    /// Text.
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
}

/// One cell of the grid.
#[derive(Debug, Clone, Serialize)]
pub struct HeatCell {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Centre, for the count.
    pub cx: u32,
    /// Baseline of the count.
    pub cy: u32,
    /// Likelihood value of the row.
    pub likelihood: u8,
    /// Impact value of the column.
    pub impact: u8,
    /// Risk level of the cell, if the methodology gives one.
    pub level: Option<u32>,
    /// Fill colour.
    pub fill: &'static str,
    /// Number of risks in the cell.
    pub count: usize,
    /// Their ids, comma separated (tooltip and Markdown).
    pub risks: String,
}

/// A row of the grid for the Markdown table, highest likelihood first.
#[derive(Debug, Clone, Serialize)]
pub struct HeatRow {
    /// "5 Almost certain".
    pub label: String,
    /// Counts per impact column ("" for zero), each with the ids.
    pub cells: Vec<String>,
}

/// One heat map (inherent or residual).
#[derive(Debug, Clone, Serialize)]
pub struct HeatGrid {
    /// "Inherent risk" or "Residual risk".
    pub title: String,
    /// SVG width.
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// Cells.
    pub cells: Vec<HeatCell>,
    /// Likelihood labels (left).
    pub y_labels: Vec<SvgLabel>,
    /// Impact labels (below).
    pub x_labels: Vec<SvgLabel>,
    /// Axis titles.
    pub axis_labels: Vec<SvgLabel>,
    /// X of the rotated likelihood axis title.
    pub y_title_x: u32,
    /// Y of the rotated likelihood axis title.
    pub y_title_y: u32,
    /// Impact column headers for the Markdown table.
    pub impact_headers: Vec<String>,
    /// Rows for the Markdown table.
    pub rows: Vec<HeatRow>,
    /// Risks placed on the grid.
    pub rated: usize,
    /// Risks without this rating (or with values off the scales).
    pub unrated: Vec<String>,
}

/// A colour legend entry.
#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    /// Fill colour.
    pub fill: &'static str,
    /// Meaning.
    pub label: String,
}

/// Both heat maps and the legend.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMapView {
    /// Before treatment.
    pub inherent: HeatGrid,
    /// After treatment.
    pub residual: HeatGrid,
    /// Colour legend.
    pub legend: Vec<LegendItem>,
    /// Acceptance threshold.
    pub acceptance_threshold: Option<u32>,
}

const ACCEPTABLE: &str = "#cfe8cf";
const SHADES: [&str; 3] = ["#fbe3a6", "#f5b98a", "#e98a7a"];
const UNKNOWN: &str = "#e6e9ef";

/// Colour of a level: green within the acceptance threshold, then three shades up to the
/// highest level on the grid.
fn fill(level: Option<u32>, threshold: Option<u32>, max: u32) -> &'static str {
    let (Some(l), Some(t)) = (level, threshold) else {
        return UNKNOWN;
    };
    if l <= t {
        return ACCEPTABLE;
    }
    let span = max.saturating_sub(t).max(1);
    let pos = (l - t - 1) * 3 / span;
    SHADES[(pos as usize).min(2)]
}

type Scale = Vec<(u8, String)>;

/// The scales from the methodology, or 1..=max of the values used when there is none.
fn scales(isms: &Isms) -> (Scale, Scale) {
    if let Some(m) = isms.methodology() {
        let mut l: Scale = m
            .likelihood
            .iter()
            .map(|p| (p.value.value, p.label.value.clone()))
            .collect();
        let mut i: Scale = m
            .impact
            .iter()
            .map(|p| (p.value.value, p.label.value.clone()))
            .collect();
        l.sort_by_key(|p| p.0);
        i.sort_by_key(|p| p.0);
        l.dedup_by_key(|p| p.0);
        i.dedup_by_key(|p| p.0);
        if !l.is_empty() && !i.is_empty() {
            return (l, i);
        }
    }
    let ratings = isms
        .risks
        .iter()
        .flat_map(|r| [r.inherent.as_ref(), r.residual.as_ref()])
        .flatten();
    let (mut ml, mut mi) = (1u8, 1u8);
    for (l, i) in ratings.filter_map(|r| r.points()) {
        ml = ml.max(l);
        mi = mi.max(i);
    }
    let ml = ml.min(10);
    let mi = mi.min(10);
    (
        (1..=ml).map(|v| (v, String::new())).collect(),
        (1..=mi).map(|v| (v, String::new())).collect(),
    )
}

fn grid(
    isms: &Isms,
    title: &str,
    pick: impl Fn(&crate::model::Risk) -> Option<&Spanned<Rating>>,
) -> HeatGrid {
    let (lik, imp) = scales(isms);
    let m = isms.methodology();
    let threshold = m
        .and_then(|m| m.threshold())
        .map(crate::render::views::whole);
    let level = |l: u8, i: u8| m.and_then(|m| m.level(l, i));
    let max_level = lik
        .iter()
        .flat_map(|(l, _)| imp.iter().map(move |(i, _)| (*l, *i)))
        .filter_map(|(l, i)| level(l, i))
        .max()
        .unwrap_or(0);
    let rows_n = lik.len() as u32;
    let cols_n = imp.len() as u32;
    let mut cells = Vec::new();
    let mut rows = Vec::new();
    let mut rated = 0;
    let mut unrated = Vec::new();
    // Place each risk once.
    let mut placed: Vec<(u8, u8, String)> = Vec::new();
    for r in &isms.risks {
        match pick(&r.value).and_then(|rt| rt.points()) {
            Some((rl, ri)) if lik.iter().any(|p| p.0 == rl) && imp.iter().any(|p| p.0 == ri) => {
                rated += 1;
                placed.push((rl, ri, r.id.value.clone()));
            }
            _ => unrated.push(r.id.value.clone()),
        }
    }
    // Highest likelihood at the top, as risk matrices are usually drawn.
    for (row, (l, l_label)) in lik.iter().rev().enumerate() {
        let y = TOP + row as u32 * CELL;
        let mut md_cells = Vec::new();
        for (col, (i, _)) in imp.iter().enumerate() {
            let x = LEFT + col as u32 * CELL;
            let ids: Vec<&str> = placed
                .iter()
                .filter(|p| p.0 == *l && p.1 == *i)
                .map(|p| p.2.as_str())
                .collect();
            let lv = level(*l, *i);
            md_cells.push(if ids.is_empty() {
                String::new()
            } else {
                format!("{} ({})", ids.len(), ids.join(", "))
            });
            cells.push(HeatCell {
                x,
                y,
                cx: x + CELL / 2,
                cy: y + CELL / 2 + 7,
                likelihood: *l,
                impact: *i,
                level: lv,
                fill: fill(lv, threshold, max_level),
                count: ids.len(),
                risks: ids.join(", "),
            });
        }
        rows.push(HeatRow {
            label: scale_label(*l, l_label),
            cells: md_cells,
        });
    }
    let y_labels = lik
        .iter()
        .rev()
        .enumerate()
        .map(|(row, (l, label))| SvgLabel {
            x: LEFT - 8,
            y: TOP + row as u32 * CELL + CELL / 2 + 5,
            text: scale_label(*l, label),
            anchor: "end",
        })
        .collect();
    let grid_bottom = TOP + rows_n * CELL;
    let x_labels = imp
        .iter()
        .enumerate()
        .map(|(col, (i, label))| SvgLabel {
            x: LEFT + col as u32 * CELL + CELL / 2,
            y: grid_bottom + 18,
            text: if label.is_empty() {
                i.to_string()
            } else {
                format!("{i} {}", short(label))
            },
            anchor: "middle",
        })
        .collect();
    let axis_labels = vec![SvgLabel {
        x: LEFT + cols_n * CELL / 2,
        y: grid_bottom + 48,
        text: "Impact".into(),
        anchor: "middle",
    }];
    HeatGrid {
        title: title.to_string(),
        width: LEFT + cols_n * CELL + 16,
        height: grid_bottom + BOTTOM,
        cells,
        y_labels,
        x_labels,
        axis_labels,
        y_title_x: 14,
        y_title_y: TOP + rows_n * CELL / 2,
        impact_headers: imp
            .iter()
            .map(|(i, label)| scale_label(*i, label))
            .collect(),
        rows,
        rated,
        unrated,
    }
}

fn scale_label(v: u8, label: &str) -> String {
    if label.is_empty() {
        v.to_string()
    } else {
        format!("{v} {label}")
    }
}

/// Impact labels sit under narrow columns: keep the first word.
fn short(label: &str) -> String {
    let first = label.split_whitespace().next().unwrap_or("");
    first.chars().take(10).collect()
}

/// Builds both heat maps.
pub(crate) fn heat_map(isms: &Isms) -> HeatMapView {
    let threshold = isms
        .methodology()
        .and_then(|m| m.threshold())
        .map(crate::render::views::whole);
    let mut legend = Vec::new();
    if let Some(t) = threshold {
        legend.push(LegendItem {
            fill: ACCEPTABLE,
            label: format!("Level ≤ {t}: within the acceptance threshold"),
        });
        legend.push(LegendItem {
            fill: SHADES[0],
            label: "Above the threshold".into(),
        });
        legend.push(LegendItem {
            fill: SHADES[2],
            label: "Highest levels".into(),
        });
    } else {
        legend.push(LegendItem {
            fill: UNKNOWN,
            label: "No risk methodology defined".into(),
        });
    }
    HeatMapView {
        inherent: grid(isms, "Inherent risk (before treatment)", |r| {
            r.inherent.as_ref()
        }),
        residual: grid(isms, "Residual risk (after treatment)", |r| {
            r.residual.as_ref()
        }),
        legend,
        acceptance_threshold: threshold,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_follow_threshold() {
        assert_eq!(fill(Some(4), Some(6), 25), ACCEPTABLE);
        assert_eq!(fill(Some(6), Some(6), 25), ACCEPTABLE);
        assert_eq!(fill(Some(7), Some(6), 25), SHADES[0]);
        assert_eq!(fill(Some(25), Some(6), 25), SHADES[2]);
        assert_eq!(fill(None, Some(6), 25), UNKNOWN);
        assert_eq!(fill(Some(3), None, 25), UNKNOWN);
    }

    #[test]
    fn empty_model_gives_a_one_cell_grid() {
        let h = heat_map(&Isms::default());
        assert_eq!(h.inherent.cells.len(), 1);
        assert_eq!(h.inherent.rated, 0);
    }
}
