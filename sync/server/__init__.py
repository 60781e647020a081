"""The clinic server: receives sealed records from enrolled kiosks, stores them, exports FHIR."""
