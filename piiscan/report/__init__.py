"""Gate reports: SARIF for code scanning, HTML for people. Values are always masked."""
