"""A site report's options (params/<dataset>/<site>.yaml), checked before any report starts.

Params are optional: a site without a file gets the dataset's defaults. A site's facts
(name, place, focus) live in the dataset's codebook, not here.
"""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from helpers.codebook import SLUG
from helpers.errors import InputError, Problem, brief
from helpers.files import read_yaml
from helpers.paths import shown


class SiteParams(BaseModel):
    """The options of one site's report, as papermill passes them to site_report.ipynb."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    site: str = Field(pattern=SLUG, description="the file's name and a site of the codebook")
    min_n: int = Field(ge=1, le=1000, description="flag figures resting on fewer responses")


def read_params(path: Path) -> SiteParams:
    """Returns the parameters of one YAML file, or raises InputError naming each bad key."""
    where = shown(path)
    raw = read_yaml(path, "a YAML file of report parameters", "valid YAML: key: value lines")
    if not isinstance(raw, dict):
        raise InputError(Problem(where, "key: value lines (site, min_n)",
                                 found=type(raw).__name__ if raw is not None else "an empty file"))
    try:
        params = SiteParams(**{str(key): value for key, value in raw.items()})
    except ValidationError as error:
        raise InputError([
            Problem(where, _expected(detail), column=".".join(map(str, detail["loc"])) or None,
                    found=None if detail["type"] == "missing" else brief(detail.get("input")),
                    column_word="key")
            for detail in error.errors()
        ]) from None
    if params.site != Path(path).stem:
        raise InputError(Problem(where, f"site: {Path(path).stem}, the same as the file's name",
                                 column="site", found=params.site, column_word="key"))
    return params


def _expected(detail: dict) -> str:
    """Returns what pydantic wanted, in words."""
    kind = detail["type"]
    if kind == "missing":
        return "this key to be given"
    if kind == "extra_forbidden":
        return "only the keys " + ", ".join(SiteParams.model_fields)
    if kind == "string_pattern_mismatch":
        return "a slug of lower-case letters, digits and single hyphens"
    return detail["msg"][0].lower() + detail["msg"][1:]


def check_folder(folder: Path, sites: list[str]) -> None:
    """Raises InputError for every params file in a folder named after no site of the codebook:
    it belongs to no report (a bad file of a site fails that site's report alone)."""
    shown_sites = ", ".join(sites[:8]) + (f" and {len(sites) - 8} more" if len(sites) > 8 else "")
    strays = [path for path in sorted(Path(folder).glob("*.yaml")) if path.stem not in sites]
    if strays:
        raise InputError([Problem(shown(path), "a file named after a site of the dataset's codebook ("
                                  + shown_sites + ")", found=path.name) for path in strays])
