"""The research repository: interviews, notes, transcripts and surveys, the quotes people
highlight in them, and the evidence those quotes give the maps (`documents` reads the files,
`search` indexes their words, `validation` decides when a map may be called validated)."""
