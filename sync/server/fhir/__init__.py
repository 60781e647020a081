"""FHIR R4 export: each visit as a transaction Bundle an EHR can import whole, and twice.

One module per job: bundle (entries, code systems), patient (matching, Encounter), answers,
questionnaires, consent, vitals, issues (flags, overrides, decision), provenance, export (opening
the records and putting each visit together). docs/fhir.md has the mapping table.
"""

from sync.server.fhir.export import ExportReport, export_bundles

__all__ = ["ExportReport", "export_bundles"]
