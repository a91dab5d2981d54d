"""Who took part: head-counts as published, or respondents counted from the exports."""


from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from helpers import analysis, charts, language, words
from helpers.context import Run
from helpers.language import _, n_
from helpers.load import Dataset
from helpers.marks import WITHHELD
from helpers.report.blocks import Chart, Exhibit, Section, paragraph
from helpers.report.facts import MANY_SITES
from helpers.words import (
    name_list,
    withheld_count,
)


@dataclass(frozen=True, repr=False, eq=False)
class Headcount:
    """One published head-count table as a report shows it: numbers and keys, no words."""

    table: str  # its id
    counts: pd.DataFrame  # every count of the table, its published totals ("" unit or activity) too
    parts: pd.DataFrame  # the bars: a count per unit and activity (beyond MANY_SITES, the site's only)
    units: tuple[str, ...]  # sites, or a characteristic's values
    activities: tuple[str, ...]
    characteristic: str  # the characteristic whose values the units are; "" for sites


@dataclass(frozen=True, repr=False, eq=False)
class Respondents:
    """How many people answered in each wave and group, counted from the exports."""

    counts: pd.DataFrame  # wave, group, respondents (missing where withheld)
    groups: tuple[str, ...]
    waves: tuple[str, ...]


@dataclass(frozen=True, repr=False, eq=False)
class Participation(Exhibit):
    """The "who we heard from" section of a run: its head-count tables and its respondents."""

    run: Run
    headcounts: tuple[Headcount, ...]
    respondents: Respondents | None

    @property
    def frame(self) -> pd.DataFrame:
        """Returns every count the section shows: by table, unit and activity (head-counts), and
        by wave and group (table "respondents")."""
        frames = [h.parts[["unit", "activity", "count"]].assign(table=h.table) for h in self.headcounts]
        if self.respondents is not None:
            frames.append(self.respondents.counts.assign(table="respondents"))
        return self.stacked(frames, "table")

    def present(self) -> Section:
        return participation_section(self)


def headcount(dataset: Dataset, table_id: str, site: str | None) -> Headcount | None:
    """Returns a head-count table as a report shows it; None where a site's report shows none of
    it (a table by characteristic, or one without the site)."""
    counts = analysis.headcounts(dataset, table_id)
    by_value = (counts["characteristic"] != "").any()
    if site is not None and (by_value or not (counts["unit"] == site).any()):
        return None
    parts = counts[(counts["unit"] != "") & (counts["activity"] != "")]
    units = list(dict.fromkeys(parts["unit"]))
    activities = list(dict.fromkeys(parts["activity"]))
    if site is not None and len(units) > MANY_SITES:
        parts = parts[parts["unit"] == site]
        units = [site]
    characteristic = counts["characteristic"].iloc[0] if by_value else ""
    return Headcount(table_id, counts, parts, tuple(units), tuple(activities), characteristic)


def respondents(dataset: Dataset, site: str = "") -> Respondents | None:
    """Returns how many people answered in each wave and group at a site (all sites: ""), for the
    groups and waves whose figures come from exports; None where none do."""
    counts = analysis.respondent_counts(dataset, site)
    counts = counts[counts["group"] != ""]
    figures = analysis.at_site(dataset, "all figures", site)
    present = figures[(figures["breakdown"] == "") & (figures["group"] != "")
                      & (figures["file"] != "figures.csv")].drop_duplicates(["wave", "group"])
    if present.empty:
        return None
    counts = present[["wave", "group"]].merge(counts, how="left", on=["wave", "group"])
    counts["respondents"] = counts["respondents"].astype(float)
    codebook = dataset.codebook
    return Respondents(counts, tuple(g.id for g in codebook.groups if g.id in set(counts["group"])),
                       tuple(w.id for w in codebook.waves if w.id in set(counts["wave"])))


def participation(run: Run) -> Participation:
    """Returns the run's "who we heard from" exhibit."""
    dataset, site = run.dataset, run.site
    tables = (headcount(dataset, t, site) for t in dict.fromkeys(dataset.headcounts["table"]))
    return Participation(run, tuple(t for t in tables if t is not None), respondents(dataset, site or ""))


def participation_chart(dataset: Dataset, shown: Headcount, site: str | None) -> Chart:
    """Returns a head-count table's bar chart (the site highlighted where it is a row)."""
    counts, parts, table_id = shown.counts, shown.parts, shown.table
    units, activities, characteristic = list(shown.units), list(shown.activities), shown.characteristic
    by_value = (counts["characteristic"] != "").any()
    codebook = dataset.codebook
    labels = ({u: codebook.value_label(characteristic, u) for u in units} if by_value
              else codebook.site_names())
    activity_labels = {a: codebook.activity_label(a) for a in activities}
    figure = charts.bars(parts, "unit", "count", units, labels, panel="activity",
                         panel_order=activities, panel_titles=activity_labels,
                         focus=site if site is not None and len(units) > 1 else None,
                         text=words.chart_text())
    wide = counts.pivot(index="unit", columns="activity", values="count")
    wide = wide.reindex(index=[*units, ""] if "" in wide.index else units,
                        columns=[*activities, ""] if "" in wide.columns else activities)
    total = _("published total")
    table_ = wide.rename(index={**labels, "": total}, columns={**activity_labels, "": total}).reset_index(
        names=codebook.characteristic(characteristic).label if by_value else _("site"))
    table_.columns.name = None
    sums = parts.groupby("activity", sort=False)["count"].sum()
    if site is not None:
        own = parts[parts["unit"] == site].set_index("activity")["count"]
        heading = f"{labels.get(site, site)}: " + ", ".join(
            _("{count} in {activity}").format(count=int(own.get(a, 0)),
                                              activity=activity_labels[a].split(" (")[0].lower())
            for a in activities)
    else:
        largest = sums.idxmax()
        heading = _("The largest activity is {activity}, with {count} participants").format(
            activity=activity_labels[largest].lower(), count=int(sums[largest]))
    description = (_("Participants: {counts}.").format(counts="; ".join(
        f"{activity_labels[a]} {int(sums[a])}" for a in activities)) + " "
        + _("Counts as published; the table also shows the published totals, which the data notes "
            "check."))
    by = codebook.characteristic(characteristic).label if by_value else _("site")
    alt = (_("Bar charts of participants in {count} activities, by {by}; {site} highlighted.").format(
        count=len(activities), by=by, site=labels.get(site, site)) if site else
        _("Bar charts of participants in {count} activities, by {by}.").format(
            count=len(activities), by=by))
    return Chart(f"participation-{table_id}", heading, alt, description, table_, figure)


def respondents_chart(dataset: Dataset, shown: Respondents, site: str = "") -> Chart:
    """Returns, for exports, how many people answered in each wave and group at a site."""
    counts, groups, waves = shown.counts, list(shown.groups), list(shown.waves)
    codebook = dataset.codebook
    figure = charts.bars(counts, "group", "respondents", groups,
                         {g.id: g.label for g in codebook.groups}, panel="wave", panel_order=waves,
                         panel_titles={w: codebook.wave_label(w) for w in waves}, text=words.chart_text())
    where = codebook.site_name(site) if site else _("all sites")
    latest = counts[counts["wave"] == waves[-1]].set_index("group")["respondents"]
    known = [g for g in groups if pd.notna(latest.get(g, 0))]  # a withheld count is no number to say
    answered = ", ".join(f"{int(latest.get(g, 0))} {codebook.group_label(g)}" for g in known)
    unknown = language.conjunction([codebook.group_label(g) for g in groups if g not in known])
    wave = codebook.wave_label(waves[-1])
    if not known:
        heading = _("{where}: how many answered in {wave} is withheld to protect small numbers").format(
            where=where, wave=wave)
    elif unknown:
        heading = _("{where}: {counts} answered in {wave}; the number of {withheld} is withheld").format(
            where=where, counts=answered, wave=wave, withheld=unknown)
    else:
        heading = _("{where}: {counts} answered in {wave}").format(where=where, counts=answered, wave=wave)
    hidden = counts[counts["respondents"].isna()]
    table_ = counts.assign(wave=counts["wave"].map(codebook.wave_label),
                           group=counts["group"].map(codebook.group_label),
                           respondents=counts["respondents"].astype("Int64"),
                           note=[_("withheld") if pd.isna(n) else "" for n in counts["respondents"]])
    table_ = table_.rename(columns={"wave": _("wave"), "group": _("group"), "respondents": _("respondents"),
                                    "note": _("note")})
    description = _("For each group, the most respondents who answered any one question, counted from the "
                    "survey exports; someone who skipped that question but answered others is not counted "
                    "in it.")
    if len(hidden):
        description += " " + _("{mark} Withheld to protect the people behind small numbers: {names} (fewer "
                               "than {base} respondents answered any question, or so that another withheld "
                               "figure cannot be worked out).").format(
            mark=WITHHELD, base=codebook.dataset.disclosure.minimum_base,
            names=name_list([_("{group} in {wave}").format(group=codebook.group_label(g),
                                                         wave=codebook.wave_label(w))
                          for w, g in zip(hidden["wave"], hidden["group"], strict=True)]))
    alt = n_("Bar charts of respondents by group in {count} wave, {where}",
             "Bar charts of respondents by group in {count} waves, {where}", len(waves)).format(
        count=len(waves), where=where)
    return Chart("respondents", heading, alt + (withheld_count(len(hidden)) if len(hidden) else "."),
                 description, table_, figure)


def participation_section(exhibit: Participation) -> Section:
    """Returns the "who we heard from" section as the page shows it: head-counts as published,
    or respondents counted."""
    dataset, site = exhibit.run.dataset, exhibit.run.site
    parts: list = [participation_chart(dataset, h, site) for h in exhibit.headcounts]
    if exhibit.respondents is not None:
        parts.append(respondents_chart(dataset, exhibit.respondents, site or ""))
    if site is not None and parts and not dataset.headcounts.empty:
        parts.insert(0, participants_sentence(dataset, site))
    return Section(_("Who we heard from"), "", parts)


def who_took_part(run: Run) -> Section:
    """Returns the "who we heard from" section of a run as the page shows it."""
    return participation(run).shown


def participants_sentence(dataset: Dataset, site: str) -> HTML:
    """Returns who took part at a site as published, and whether the parts meet the total."""
    counts = dataset.headcounts
    rows = counts[(counts["site"] == site) & (counts["characteristic"] == "")]
    name = dataset.codebook.site_name(site)
    if rows.empty:
        return paragraph(_("The publication gives no participant counts for {site}.").format(site=name))
    parts = rows[rows["activity"] != ""]
    took_part = language.conjunction([
        n_("{count} person took part in the {activity}", "{count} people took part in the {activity}",
           int(c)).format(count=int(c), activity=dataset.codebook.activity_label(a).split(" (")[0].lower())
        for a, c in zip(parts["activity"], parts["count"], strict=True)])
    total = rows[rows["activity"] == ""]["count"]
    if not len(total):
        return paragraph(_("At {site}, {took_part}.").format(site=name, took_part=took_part))
    added = int(parts["count"].sum())
    if added == int(total.iloc[0]):
        text = _("At {site}, {took_part}; the publication gives a total of {total}.")
    else:
        text = _("At {site}, {took_part}; the publication gives a total of {total}, though these add up "
                 "to {added} (see the data notes).")
    return paragraph(text.format(site=name, took_part=took_part, total=int(total.iloc[0]), added=added))

