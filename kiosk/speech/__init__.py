"""Read aloud, below the Textual kiosk: which espeak-ng voice speaks each language, rendering
text to WAV in a subprocess, the in-memory cache of rendered audio, and playing it on the kiosk
host. Imports no textual and no rich; the screens decide what is said (kiosk/screens/step_words).
"""
