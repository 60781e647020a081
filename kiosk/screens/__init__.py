"""The kiosk's screens, one `Screen` or `ModalScreen` per file: the patient's steps, the staff's
screens, the bases they share (`step_screen`, `staff_screen`, `kept_styles`), and what a
patient screen says (`step_words`: read aloud and mirrored for screen readers).

Kept empty: the App imports the welcome screen before anything else, and the rest only when
they are first needed.
"""
