#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Marking by pattern and finding by name: + marks the names matching a
# shell pattern and - unmarks them (the footer counts marks and bytes,
# the message says how many changed), the last pattern is offered again;
# n and N move to the next and previous name containing the active
# filter, or the last text typed at the filter prompt; Alt-letter (ESC
# then the letter, as terminals send it) moves to the next name starting
# with that letter, in either case, and says so when there is none.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

top="$T/top"
mkdir -p "$top/zdir"
head -c 300 /dev/zero >"$top/a.txt"
head -c 10 /dev/zero >"$top/b.txt"
head -c 2000 /dev/zero >"$top/c.log"
head -c 5 /dev/zero >"$top/d.txt"
head -c 50 /dev/zero >"$top/e.png"
head -c 7 /dev/zero >"$top/.hidden.txt"
head -c 1 /dev/zero >"$top/Cap.log"
TUI_CWD=$top

tui_start 120 20
tui_wait "e\.png" 5

# --- + marks by pattern.
tui_keys +
tui_check "+ asks for a pattern" "Mark the names matching"
tui_check "offering *" "│ \* +│"
tui_keys C-u
tui_type "*.txt"
tui_keys Enter
tui_check "four names end in .txt (the dot file too)" \
    "Marked 4 entries matching \*\.txt; 4 of 8 in the folder marked now\."
tui_check "the footer counts them and their bytes" "4 marked \(322\)"
tui_check "a.txt is marked" "^\* a\.txt "
tui_check "the dot file is marked" "^\* \.hidden\.txt "
tui_check "c.log is not" "^  c\.log "

# --- + again offers the last pattern; marking them again changes nothing.
tui_keys +
tui_check "the last pattern is offered" "│ \*\.txt +│"
tui_keys Enter
tui_check "nothing new to mark" \
    "The 4 entries matching \*\.txt were marked already\."

# --- - unmarks by pattern.
tui_keys - C-u
tui_type "[ab]*"
tui_keys Enter
tui_check "- unmarks a.txt and b.txt" \
    "Unmarked 2 entries matching \[ab\]\*; 2 of 8 in the folder marked"
tui_check "the footer follows" "2 marked \(12\)"
tui_check "a.txt is unmarked" "^  a\.txt "

tui_keys + C-u
tui_type "*.jpg"
tui_keys Enter
tui_check "no match says so" "No name matches \*\.jpg\."
tui_check "the marks are unchanged" "2 marked \(12\)"
tui_keys + C-u Enter
tui_check "an empty pattern marks nothing" \
    "Nothing marked: the pattern is empty\."

# --- n and N before any search.
tui_keys n
tui_check "n with nothing to look for says how" \
    "Nothing to look for: / filters, and then n and N find"

# --- n and N after a filter typed and dropped with Esc.
tui_keys /
tui_type "log"
tui_keys Escape
tui_check "the filter is gone" "8 entries"
tui_keys Home
tui_check_cursor "the cursor is at the top" "zdir"
tui_keys n
tui_check_cursor "n goes to the first name containing log" "c\.log"
tui_keys n
tui_check_cursor "n again: the next (case-insensitive)" "Cap\.log"
tui_keys n
tui_check_cursor "n wraps around" "c\.log"
tui_keys N
tui_check_cursor "N goes back (wrapping)" "Cap\.log"

# --- With a filter kept, n walks its matches.
tui_keys /
tui_type "txt"
tui_keys Enter
tui_keys Home n
tui_check_cursor "n in a kept filter moves to the next match" "a\.txt"
tui_keys Escape
tui_keys /
tui_type "zzz"
tui_keys Escape Home n
tui_check "no match says so" "No name contains zzz\."

# --- Alt-letter.
tui_keys Home M-d
tui_check_cursor "Alt-d goes to d.txt" "d\.txt"
tui_keys M-c
tui_check_cursor "Alt-c goes to the next c after the cursor (wraps)" \
    "c\.log"
tui_keys M-c
tui_check_cursor "Alt-c again: the next one, in either case" "Cap\.log"
tui_keys M-E
tui_check_cursor "Alt-E ignores case" "e\.png"
tui_keys M-q
tui_check "no name starts with q" "No name starts with q\."
tui_check_cursor "the cursor stays" "e\.png"
tui_keys M-.
tui_check_cursor "Alt-. finds the dot file" "\.hidden\.txt"

# --- Esc alone still cancels (clears a filter).
tui_keys /
tui_type "png"
tui_keys Enter
tui_check "a filter is kept" "filter:png"
tui_keys Escape
tui_check "Esc alone still clears it" "Filter cleared\."

# --- The keys are in the help.
tui_keys F1
tui_check "the help lists +" "  \+ +mark the names matching a pattern"
tui_check "and -" "  - +unmark the names matching a pattern"
tui_keys PgDn
tui_check "and n" "  n +next name matching the filter"
tui_keys Escape
tui_quit F10
check "F10 quits with status 0" test "$TUI_STATUS" = 0
