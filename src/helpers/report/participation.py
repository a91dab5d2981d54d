"""Who took part: head-counts as published, or respondents counted from the exports."""


import pandas as pd
from IPython.display import HTML

from helpers import analysis, charts, language, words
from helpers.language import _, n_
from helpers.load import Dataset
from helpers.marks import WITHHELD
from helpers.report.blocks import Chart, Section, paragraph
from helpers.report.facts import MANY_SITES
from helpers.words import (
    name_list,
    withheld_count,
)


def participation_charts(dataset: Dataset, site: str | None = None) -> list[Chart]:
    """Returns a bar chart per head-count table (the site highlighted where it is a row)."""
    made = []
    for table_id in dict.fromkeys(dataset.headcounts["table"]):
        counts = analysis.headcounts(dataset, table_id)
        by_value = (counts["characteristic"] != "").any()
        if site is not None and (by_value or not (counts["unit"] == site).any()):
            continue
        parts = counts[(counts["unit"] != "") & (counts["activity"] != "")]
        units = list(dict.fromkeys(parts["unit"]))
        activities = list(dict.fromkeys(parts["activity"]))
        codebook = dataset.codebook
        characteristic = counts["characteristic"].iloc[0] if by_value else ""
        labels = ({u: codebook.value_label(characteristic, u) for u in units} if by_value
                  else codebook.site_names())
        if site is not None and len(units) > MANY_SITES:
            parts = parts[parts["unit"] == site]
            units = [site]
        activity_labels = {a: codebook.activity_label(a) for a in activities}
        figure = charts.bars(parts, "unit", "count", units, labels, panel="activity",
                             panel_order=activities, panel_titles=activity_labels,
                             focus=site if site is not None and len(units) > 1 else None,
                             text=words.chart_text())
        wide = counts.pivot(index="unit", columns="activity", values="count")
        wide = wide.reindex(index=[*units, ""] if "" in wide.index else units,
                            columns=[*activities, ""] if "" in wide.columns else activities)
        total = _("published total")
        shown = wide.rename(index={**labels, "": total}, columns={**activity_labels, "": total}).reset_index(
            names=codebook.characteristic(characteristic).label if by_value else _("site"))
        shown.columns.name = None
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
        made.append(Chart(f"participation-{table_id}", heading, alt, description, shown, figure))
    return made


def respondents_chart(dataset: Dataset, site: str = "") -> Chart | None:
    """Returns, for exports, how many people answered in each wave and group at a site."""
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
    groups = [g.id for g in codebook.groups if g.id in set(counts["group"])]
    waves = [w.id for w in codebook.waves if w.id in set(counts["wave"])]
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
    shown = counts.assign(wave=counts["wave"].map(codebook.wave_label),
                          group=counts["group"].map(codebook.group_label),
                          respondents=counts["respondents"].astype("Int64"),
                          note=[_("withheld") if pd.isna(n) else "" for n in counts["respondents"]])
    shown = shown.rename(columns={"wave": _("wave"), "group": _("group"), "respondents": _("respondents"),
                                  "note": _("note")})
    description = _("Respondents who answered at least one question, counted from the survey exports.")
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
                 description, shown, figure)


def who_took_part(dataset: Dataset, site: str | None = None) -> Section:
    """Returns the "who we heard from" section: head-counts as published, or respondents counted."""
    parts: list = [*participation_charts(dataset, site)]
    counted = respondents_chart(dataset, site or "")
    if counted is not None:
        parts.append(counted)
    if site is not None and parts and not dataset.headcounts.empty:
        parts.insert(0, participants_sentence(dataset, site))
    return Section(_("Who we heard from"), "", parts)


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

