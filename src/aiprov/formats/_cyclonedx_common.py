"""Names and small helpers shared by the CycloneDX reader and writer (private)."""

from __future__ import annotations

import re

__all__ = [
    "ALG_FROM_CDX",
    "ALG_TO_CDX",
    "DEFAULT_TYPE",
    "DERIVATION_KINDS",
    "HASH_CONTENT",
    "P_CONCLUDED",
    "P_DECLARED",
    "P_EVALUATED",
    "P_FINDING",
    "P_HASH",
    "P_JSON",
    "P_KIND",
    "P_MANIFEST",
    "P_OBLIGATION",
    "P_POLICY",
    "P_PROP",
    "P_PURL",
    "P_REF",
    "P_RELATION",
    "P_RELATION_PREFIX",
    "P_RELATION_PROPS",
    "P_UNNAMED",
    "P_USE_RESTRICTION",
    "RAW",
    "SPEC_VERSIONS",
    "kind_of",
]

#: Versions this module reads; it writes 1.6 and 1.7.
SPEC_VERSIONS = ("1.4", "1.5", "1.6", "1.7")

# -- aiprov: property names (documented in docs/formats.md) ------------------------------
P_KIND = "aiprov:kind"  # artifact kind when the component type does not say it (weights, document)
P_UNNAMED = "aiprov:unnamed"  # "true": the artifact had no name (CycloneDX requires one; the id is used)
P_DECLARED = "aiprov:declared-license"  # the declared license exactly as written
P_CONCLUDED = "aiprov:concluded-license"  # the concluded license, when `licenses` cannot hold it
P_RELATION = "aiprov:relation"  # on a pedigree ancestor: the exact relation kind
P_REF = "aiprov:ref"  # on a pedigree ancestor: the bom-ref of the component it stands for
P_RELATION_PREFIX = "aiprov:relation:"  # aiprov:relation:<kind> = target bom-ref (on the source)
P_RELATION_PROPS = "aiprov:relation-properties"  # JSON {kind, target, properties}
P_EVALUATED = "aiprov:relation:evaluated_on"
P_PROP = "aiprov:property:"  # aiprov:property:<key> = string value
P_JSON = "aiprov:json:"  # aiprov:json:<key> = JSON value
P_HASH = "aiprov:hash:"  # aiprov:hash:<alg> = digest that CycloneDX hashes cannot hold
P_PURL = "aiprov:purl"  # on services (which have no purl field)
P_USE_RESTRICTION = "aiprov use restriction: "  # prefix of generated ethicalConsiderations names
P_FINDING = "aiprov:finding"
P_OBLIGATION = "aiprov:obligation"
P_MANIFEST = "aiprov:manifest-metadata"
P_POLICY = "aiprov:policy"
RAW = "cyclonedx:"  # artifact property prefix for CycloneDX fields aiprov does not model

#: Relations written as pedigree ancestors.
DERIVATION_KINDS = frozenset(
    {"fine_tuned_from", "adapter_of", "merged_from", "quantized_from", "distilled_from", "derived_from"}
)

DEFAULT_TYPE = {
    "model": "machine-learning-model",
    "weights": "machine-learning-model",
    "dataset": "data",
    "code": "library",
    "document": "file",
}

ALG_TO_CDX = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha-1": "SHA-1",
    "sha256": "SHA-256",
    "sha-256": "SHA-256",
    "sha384": "SHA-384",
    "sha-384": "SHA-384",
    "sha512": "SHA-512",
    "sha-512": "SHA-512",
    "sha3-256": "SHA3-256",
    "sha3-384": "SHA3-384",
    "sha3-512": "SHA3-512",
    "blake2b-256": "BLAKE2b-256",
    "blake2b-384": "BLAKE2b-384",
    "blake2b-512": "BLAKE2b-512",
    "blake3": "BLAKE3",
}
ALG_FROM_CDX = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
    "SHA3-256": "sha3-256",
    "SHA3-384": "sha3-384",
    "SHA3-512": "sha3-512",
    "BLAKE2b-256": "blake2b-256",
    "BLAKE2b-384": "blake2b-384",
    "BLAKE2b-512": "blake2b-512",
    "BLAKE3": "blake3",
    "Streebog-256": "streebog-256",
    "Streebog-512": "streebog-512",
}
HASH_CONTENT = re.compile(
    r"^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$"
)

_WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".bin", ".pt", ".pth", ".onnx", ".ckpt", ".h5", ".tflite", ".pb")


def kind_of(ctype: str, name: str | None) -> str:
    """The artifact kind a component type says, when no ``aiprov:kind`` property does."""
    if ctype == "machine-learning-model":
        return "model"
    if ctype == "data":
        return "dataset"
    if ctype == "file":
        lowered = (name or "").lower()
        return "weights" if lowered.endswith(_WEIGHT_SUFFIXES) else "document"
    return "code"
