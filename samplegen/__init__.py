"""Sample county generator: complete 部门决算 disclosures of 示例县 with ground truth (truth.json).

A package of its own, not part of the product's reading path: it needs the optional extra ``[sample]``
(python-docx, reportlab, xlwt), which ``make setup`` installs. ``missing_dependencies()`` says which are absent.
"""

from importlib.util import find_spec

from samplegen.generate import ALL_FORMATS, CountyManifest, generate_county

# import name → distribution of the ``[sample]`` extra in pyproject.toml
EXTRA_MODULES = {"docx": "python-docx", "reportlab": "reportlab", "xlwt": "xlwt"}


def missing_dependencies() -> list[str]:
    """Distributions of the ``[sample]`` extra that are not installed (empty when the generator can run)."""
    return [dist for module, dist in EXTRA_MODULES.items() if find_spec(module) is None]


__all__ = ["ALL_FORMATS", "EXTRA_MODULES", "CountyManifest", "generate_county", "missing_dependencies"]
