"""The truth tier: corslint's browser predictions checked against real
servers (Debian nginx) and real browsers (Debian chromium and firefox-esr)."""
