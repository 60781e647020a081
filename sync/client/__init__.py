"""The kiosk side of sync: enrolment with the clinic server, the sync engine that drains the
outbox, the retention purge and the sealed-queue export. Never imports textual or rich."""
