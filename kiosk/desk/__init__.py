"""The kiosk's application layer: what the screens, the `kiosk` command and the browser kiosk
call, one job per module (docs/architecture.md).

`facade.Kiosk` is the way in: one kiosk's data folder opened (`data_folder`), its patient side
(`patient_desk`: public keys only) and its staff side (`unlock` opens a `staff_session`, the only
holder of the staff private key). Below them: the staff rules (`staff_rules`), staff keyslots
(`staff_enrolment`), record writing (`record_writing`) and the nurse's flags (`flagging`); above
them, IT's console (`staff_console`), a staff member's shift (`staff_shift`), enrolment with the
clinic server (`enrolment`) and a check-in laid out for the nurse (`nurse_answers`).

Nothing here imports textual or rich. Kept empty so that importing one module loads only it.
"""
