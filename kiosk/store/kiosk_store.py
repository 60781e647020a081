"""The kiosk's local database behind one object: each table family's operations, by the names
the kiosk calls them. The work is in the family modules, over one shared connection
(kiosk/store/connection.py states the durability and concurrency rules):

  records.py         sealed records and their summaries
  summary_chains.py  the sealed keys the summaries are encrypted under
  outbox.py          each record's way to the clinic server, and the retention purge
  audit_log.py       the hash-chained audit log and its signed head
  staff.py           staff keyslots and wrong-PIN counts
  settings.py        named settings
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from kiosk.store.audit_chain import HeadSigner
from kiosk.store.audit_log import AuditLog
from kiosk.store.connection import StoreConnection, open_database
from kiosk.store.outbox import Outbox
from kiosk.store.records import Records
from kiosk.store.settings import Settings
from kiosk.store.staff import Staff
from kiosk.store.summary_chains import SummaryChains


class KioskStore:
    """The one way into the kiosk database. Open with KioskStore.open(path, signer=...)."""

    def __init__(self, db: sqlite_utils.Database, path: Path, signer: HeadSigner | None) -> None:
        self._db = db
        self._connection = connection = StoreConnection(db, path)
        audit = AuditLog(connection, signer)
        self.append_audit = audit.append_audit
        self.audit_entries = audit.audit_entries
        self.verify_audit = audit.verify_audit

        records = Records(connection, audit)
        self.add_record = records.add_record
        self.get_envelope = records.get_envelope
        self.records = records.records
        self.summaries = records.summaries
        self.records_without_summary = records.records_without_summary
        self.record_ids = records.record_ids

        chains = SummaryChains(connection)
        self.add_summary_chain = chains.add_summary_chain
        self.summary_chains = chains.summary_chains

        outbox = Outbox(connection, audit)
        self.outbox_due = outbox.outbox_due
        self.mark_sending = outbox.mark_sending
        self.mark_acked = outbox.mark_acked
        self.mark_failed = outbox.mark_failed
        self.mark_quarantined = outbox.mark_quarantined
        self.requeue = outbox.requeue
        self.purge_acked = outbox.purge_acked
        self.counts_by_state = outbox.counts_by_state

        staff = Staff(connection, audit)
        self.put_staff = staff.put_staff
        self.get_staff = staff.get_staff
        self.list_staff = staff.list_staff
        self.remove_staff = staff.remove_staff
        self.record_failed_unlock = staff.record_failed_unlock
        self.next_unlock_try = staff.next_unlock_try
        self.reset_failures = staff.reset_failures

        settings = Settings(connection, audit)
        self.get_setting = settings.get_setting
        self.set_setting = settings.set_setting
        self.set_settings = settings.set_settings
        self.discard_setting = settings.discard_setting

    @classmethod
    def open(
        cls, path: Path, *, signer: HeadSigner | None = None, read_only: bool = False
    ) -> KioskStore:
        """Open or create the database; `signer` (the device key's sign) signs the audit head.
        `read_only` opens an existing one for reading alone (verifying writes nothing)."""
        return cls(open_database(Path(path), read_only=read_only), Path(path), signer)

    @property
    def path(self) -> Path:
        return self._connection.path

    def close(self) -> None:
        self._connection.close()

    def integrity_ok(self) -> bool:
        """SQLite's own full check of the file."""
        rows = self._connection.read("PRAGMA integrity_check")
        return [str(row[0]) for row in rows] == ["ok"]
