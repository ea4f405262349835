"""Pure, testable steps of pension-recon: normalise, ingest, match, rules, export."""
