"""Sample county generator: complete 部门决算 disclosures of 示例县 with ground truth (truth.json)."""

from ingest.samplegen.generate import ALL_FORMATS, CountyManifest, generate_county

__all__ = ["ALL_FORMATS", "CountyManifest", "generate_county"]
