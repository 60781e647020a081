"""Reusable widgets of the kiosk's screens: the keypad, choice lists, text boxes, the staff's
PIN pad, queue table and shift bar, and how staff screens draw patient text inertly."""
