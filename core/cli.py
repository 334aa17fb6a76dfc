raise SystemExit("cli not written yet")
