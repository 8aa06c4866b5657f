#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Themes on the real screen (tmux capture-pane -e): each shipped theme
# draws the cursor row, the headers, the column titles, a folder, an image
# and the function-key labels in the colours its file gives them (read
# from the file here and converted independently of ferry), and no two
# themes look the same.  Colours degrade with the terminal: 256 colours
# (tmux-256color), 16 and true colour (terminfo entries compiled here with
# tic), 8 (TERM=xterm: a bright colour becomes bold), none (vt100); with
# NO_COLOR set there is no colour at all, only attributes, and the cursor
# is still reverse.  A custom theme in $XDG_CONFIG_HOME/ferry/themes is
# found by name, from --theme or from the config ([ferry] theme).  A
# broken theme file stops ferry with status 2 and "FILE:LINE: ..." before
# the screen is touched.
. "$(dirname "$0")/../lib/e2e.sh"
. "$(dirname "$0")/../lib/tui-e2e.sh"

themes="$top/themes"
mkdir -p "$T/d/sub" "$T/d/zdir"
printf 'x' >"$T/d/a.txt"
printf '\211PNG\r\n\032\n' >"$T/d/b.png"
TUI_CWD=$T/d
H=20

# The SGR state (fg=N|#rrggbb|d bg=... bold dim italic underline blink
# reverse) of the first cell of TEXT on screen line LINE.
sgr_at() {
	tmux_ capture-pane -p -e -t t | awk -v L="$1" -v TXT="$2" '
	function reset() { fg = "d"; bg = "d"; b = dm = it = ul = bl = rv = 0 }
	function apply(s,    n, p, i, v, c) {
		n = split(s, p, /[;:]/)
		if (s == "") { reset(); return }
		for (i = 1; i <= n; i++) {
			v = p[i] + 0
			if (v == 0) reset()
			else if (v == 1) b = 1
			else if (v == 2) dm = 1
			else if (v == 3) it = 1
			else if (v == 4) ul = 1
			else if (v == 5) bl = 1
			else if (v == 7) rv = 1
			else if (v == 22) b = dm = 0
			else if (v == 23) it = 0
			else if (v == 24) ul = 0
			else if (v == 25) bl = 0
			else if (v == 27) rv = 0
			else if (v >= 30 && v <= 37) fg = v - 30
			else if (v == 39) fg = "d"
			else if (v >= 40 && v <= 47) bg = v - 40
			else if (v == 49) bg = "d"
			else if (v >= 90 && v <= 97) fg = v - 82
			else if (v >= 100 && v <= 107) bg = v - 92
			else if (v == 38 || v == 48) {
				if (p[i + 1] == 5) { c = p[i + 2] + 0; i += 2 }
				else {
					while (p[i + 2] == "") i++
					c = sprintf("#%02x%02x%02x", p[i + 2],
					    p[i + 3], p[i + 4])
					i += 4
				}
				if (v == 38) fg = c; else bg = c
			}
		}
	}
	function state(   s) {
		s = "fg=" fg " bg=" bg
		if (b) s = s " bold"
		if (dm) s = s " dim"
		if (it) s = s " italic"
		if (ul) s = s " underline"
		if (bl) s = s " blink"
		if (rv) s = s " reverse"
		return s
	}
	BEGIN { reset(); esc = sprintf("%c", 27) }
	{
		line = $0; vis = ""; n = 0
		while (line != "") {
			if (substr(line, 1, 1) == esc &&
			    match(line, "^" esc "\\[[0-9;:]*[A-Za-z]")) {
				if (substr(line, RLENGTH, 1) == "m")
					apply(substr(line, 3, RLENGTH - 3))
				line = substr(line, RLENGTH + 1)
				continue
			}
			n++
			st[n] = state()
			vis = vis substr(line, 1, 1)
			line = substr(line, 2)
		}
		if (NR == L + 0) {
			pos = index(vis, TXT)
			print (pos > 0 ? st[pos] : "(no " TXT ")")
			exit
		}
	}'
}

# What theme file FILE says role ROLE looks like on a terminal of DEPTH
# colours (8, 16, 256, direct, or mono: no colours), in sgr_at's form.
expect() {
	awk -v ROLE="$2" -v DEPTH="$3" '
	function palette(i,    lv, g) {
		split("000000 cd0000 00cd00 cdcd00 0000ee cd00cd 00cdcd " \
		    "e5e5e5 7f7f7f ff0000 00ff00 ffff00 5c5cff ff00ff " \
		    "00ffff ffffff", ansi, " ")
		if (i < 16) return "#" ansi[i + 1]
		split("0 95 135 175 215 255", lv, " ")
		if (i < 232) {
			i -= 16
			return sprintf("#%02x%02x%02x", lv[int(i / 36) + 1],
			    lv[int(i / 6) % 6 + 1], lv[i % 6 + 1])
		}
		g = 8 + 10 * (i - 232)
		return sprintf("#%02x%02x%02x", g, g, g)
	}
	function hexv(s,    i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef",
			    tolower(substr(s, i, 1))) - 1
		return v
	}
	function nearest256(rgb,    r, g, b, i, c, d, best, bestd) {
		r = hexv(substr(rgb, 2, 2)); g = hexv(substr(rgb, 4, 2))
		b = hexv(substr(rgb, 6, 2)); bestd = -1
		for (i = 16; i < 256; i++) {
			c = palette(i)
			d = 2 * (r - hexv(substr(c, 2, 2))) ^ 2 + \
			    4 * (g - hexv(substr(c, 4, 2))) ^ 2 + \
			    3 * (b - hexv(substr(c, 6, 2))) ^ 2
			if (bestd < 0 || d < bestd) { bestd = d; best = i }
		}
		return best
	}
	# A colour token as sgr_at shows it; sets BRIGHT on 8 colours.
	function colour(t,    names, k, i) {
		t = tolower(t)
		if (t == "default") return "d"
		if (t == "grey" || t == "gray") i = 8
		else if (t ~ /^#/) {
			if (DEPTH == "direct") return t
			i = nearest256(t)
			if (DEPTH != 256) return "?"
			return i
		} else if (t ~ /^[0-9]+$/) i = t + 0
		else {
			split("black red green yellow blue magenta cyan white",
			    names, " ")
			k = 0
			if (t ~ /^bright-/) { k = 8; t = substr(t, 8) }
			for (i = 1; i <= 8; i++) if (names[i] == t) break
			i = i - 1 + k
		}
		if (DEPTH == "direct") return i < 8 ? i : palette(i)
		if (DEPTH == 256 || DEPTH == 16 || i < 8) return i
		if (i >= 16) return "?"
		BRIGHT = 1
		return i - 8
	}
	function isattr(t) {
		return t ~ /^(bold|dim|italic|underline|blink|reverse|standout|normal)$/
	}
	{
		sub(/^[ \t]*#.*/, ""); sub(/[ \t]#([ \t#].*)?$/, "")
		if (index($0, "=") == 0) next
		name = substr($0, 1, index($0, "=") - 1)
		gsub(/[ \t]/, "", name)
		if (name != ROLE) next
		val = substr($0, index($0, "=") + 1)
		gsub(/\//, " / ", val)
		n = split(val, tok, /[ \t]+/)
		fg = bg = "default"; nc = 0; slash = 0; BRIGHT = 0
		delete a; delete m
		for (i = 1; i <= n; i++) {
			t = tolower(tok[i])
			if (t == "") continue
			if (t == "/") { slash = 1; continue }
			if (t == "standout") t = "reverse"
			if (isattr(t)) { if (slash) m[t] = 1; else a[t] = 1 }
			else if (nc++ == 0) fg = t
			else bg = t
		}
		if (!slash) for (k in a) m[k] = 1
		if (DEPTH == "mono") {
			fgs = "d"; bgs = "d"
			for (k in a) delete a[k]
			for (k in m) a[k] = 1
		} else {
			fgs = colour(fg); f8 = BRIGHT
			BRIGHT = 0; bgs = colour(bg)
			if (f8) a["bold"] = 1
		}
		s = "fg=" fgs " bg=" bgs
		split("bold dim italic underline blink reverse", order, " ")
		for (i = 1; i <= 6; i++) if (order[i] in a) s = s " " order[i]
		print s
		exit
	}' "$1"
}

# start THEME-FILE [ENV...]: a fresh browser on $T/d with that theme.
start() {
	tui_stop
	TUI_SOCK="$TUI_SOCK-x"
	spec=$1; shift
	tui_start 100 $H NO_COLOR= "$@" -- . --theme "$spec"
	tui_wait "/zdir" 5
}

# Where each role is seen: role, screen line, text ('_' for a space).
ROLES="cursor:3:/sub folder:4:/zdir image:6:b.png titles:2:_Name
header.active:1:_/ header:1:_store:/ fkey.label:$H:Help"

# check_roles DESC FILE DEPTH: the roles on screen are as FILE says.
check_roles() {
	bad=""
	for r in $ROLES; do
		role=${r%%:*}; rest=${r#*:}; line=${rest%%:*}
		text=$(printf '%s' "${rest#*:}" | tr _ ' ')
		want=$(expect "$2" "$role" "$3")
		got=$(sgr_at "$line" "$text")
		[ "$got" = "$want" ] ||
		    bad="$bad $role: '$got', wanted '$want';"
	done
	if [ -z "$bad" ]; then ok "$DESC"; else
		notok "$DESC:$bad"; tui_dump; fi
}

# The signature of a screen: the SGR state of the roles above.
signature() {
	for r in $ROLES; do
		rest=${r#*:}
		sgr_at "${rest%%:*}" "$(printf '%s' "${rest#*:}" | tr _ ' ')"
	done | tr '\n ' '|,'
}

sigs=""
for name in default light mono high-contrast classic; do
	start "$name"
	DESC="$name: the roles have the colours of $name.theme (256 colours)"
	check_roles "$DESC" "$themes/$name.theme" 256
	sig=$(signature)
	for other in $sigs; do
		if [ "${other#*=}" = "$sig" ]; then
			notok "$name looks different from ${other%%=*}"
			continue 2
		fi
	done
	ok "$name looks different from the themes before it"
	sigs="$sigs $name=$sig"
done

# The breadcrumb: the path before the folder is not bold in the active
# header of the default theme, the folder is.
start default
want=$(expect "$themes/default.theme" header.active 256)
got=$(sgr_at 1 "d ")
check "the folder in the active header has the header's style" \
    test "$got" = "$want"
got=$(sgr_at 1 "$T")
check "the path before it is the breadcrumb (not bold)" \
    test "$got" = "fg=0 bg=6"

# --- NO_COLOR: attributes only.
for name in default classic; do
	start "$name" NO_COLOR=1
	codes=$(tmux_ capture-pane -p -e -t t |
	    grep -o "$(printf '\033')\[[0-9;:]*m" | tr -d '\033[m' |
	    tr ';:' '\n\n' | grep -Ex '3[0-8]|4[0-8]|9[0-7]|10[0-7]' | sort -u |
	    tr '\n' ' ')
	check "NO_COLOR with $name: no colour codes at all (got: $codes)" \
	    test -z "$codes"
	DESC="NO_COLOR with $name: the attributes after '/' in $name.theme"
	check_roles "$DESC" "$themes/$name.theme" mono
	tui_check_cursor "NO_COLOR with $name: the cursor row is reverse" \
	    "^ /sub "
done

# --- 8 colours (TERM=xterm): bright colours become bold; keys work.
for name in classic high-contrast default; do
	start "$name" TERM=xterm
	DESC="TERM=xterm with $name: 8 colours, bright ones bold"
	check_roles "$DESC" "$themes/$name.theme" 8
done
got=$(sgr_at 4 /zdir)
check "TERM=xterm: the default folder is blue and bold" \
    test "$got" = "fg=4 bg=d bold"
tui_keys Down
got=$(sgr_at 4 /zdir)
want=$(expect "$themes/default.theme" cursor 8)
check "TERM=xterm: Down moves the cursor (/zdir in the cursor style)" \
    test "$got" = "$want"
tui_quit q
check "TERM=xterm: q quits with status 0" test "$TUI_STATUS" = 0

# --- 16 colours and true colour: terminfo entries made here.
ti="$T/terminfo"
cat >"$T/ti.src" <<'EOF'
xterm-16color|xterm with 16 colours (ferry tests),
	colors#16, pairs#256,
	setab=\E[%?%p1%{8}%<%t%p1%{40}%+%e%p1%{92}%+%;%dm,
	setaf=\E[%?%p1%{8}%<%t%p1%{30}%+%e%p1%{82}%+%;%dm,
	use=xterm-256color,
xterm-direct|xterm with direct colour (ferry tests),
	RGB, colors#0x1000000, pairs#0x10000, CO#8,
	initc@, op=\E[39;49m,
	setab=\E[%?%p1%{8}%<%t4%p1%d%e48\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	setaf=\E[%?%p1%{8}%<%t3%p1%d%e38\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	setb@, setf@,
	use=xterm-256color,
EOF
if command -v tic >/dev/null 2>&1 && tic -x -o "$ti" "$T/ti.src" 2>"$T/tic.err"
then
	for name in default classic; do
		start "$name" TERMINFO="$ti" TERM=xterm-16color
		DESC="TERM=xterm-16color with $name: 16 colours"
		check_roles "$DESC" "$themes/$name.theme" 16
	done
	got=$(sgr_at 4 /zdir)
	check "16 colours: the classic folder is bright white (15)" \
	    test "$got" = "fg=15 bg=4 bold"
	start light TERMINFO="$ti" TERM=xterm-16color
	# light's cursor is black on #afd7ff: 256-colour 153, a pale cyan.
	got=$(sgr_at 3 /sub)
	check "16 colours: #afd7ff becomes bright cyan (got '$got')" \
	    test "$got" = "fg=0 bg=14"
	for name in light default; do
		start "$name" TERMINFO="$ti" TERM=xterm-direct COLORTERM=truecolor
		DESC="TERM=xterm-direct with $name: true colour, #rrggbb exact"
		check_roles "$DESC" "$themes/$name.theme" direct
	done
else
	notok "tic could not compile the test terminfo entries"
	sed 's/^/#   /' "$T/tic.err"
fi

# --- No colours at all (vt100): attributes.
start default TERM=vt100
DESC="TERM=vt100: attributes only, as after '/'"
check_roles "$DESC" "$themes/default.theme" mono
tui_check_cursor "TERM=vt100: the cursor row is reverse" "^ /sub "

# --- A theme of one's own, by name, from --theme and from the config.
mkdir -p "$XDG_CONFIG_HOME/ferry/themes"
cat >"$XDG_CONFIG_HOME/ferry/themes/mine.theme" <<'EOF'
# only the cursor; the rest stays the default theme's
cursor = bright-white red bold underline / reverse
EOF
start mine
got=$(sgr_at 3 /sub)
check "--theme mine finds \$XDG_CONFIG_HOME/ferry/themes/mine.theme" \
    test "$got" = "fg=15 bg=1 bold underline"
want=$(expect "$themes/default.theme" folder 256)
got=$(sgr_at 4 /zdir)
check "the roles it leaves out are the default theme's" test "$got" = "$want"
printf '[ferry]\ntheme = mine\n' >"$XDG_CONFIG_HOME/ferry/config"
tui_stop
TUI_SOCK="$TUI_SOCK-y"
tui_start 100 $H NO_COLOR= -- .
tui_wait "/zdir" 5
got=$(sgr_at 3 /sub)
check "[ferry] theme = mine in the config chooses it" \
    test "$got" = "fg=15 bg=1 bold underline"
start classic
want=$(expect "$themes/classic.theme" cursor 256)
got=$(sgr_at 3 /sub)
check "--theme wins over the config" test "$got" = "$want"
tui_stop

# --- Broken themes: status 2 and FILE:LINE, before the screen.
printf '# a theme\ncursor = black cyan\nheader = blu white\n' \
    >"$XDG_CONFIG_HOME/ferry/themes/broken.theme"
bad=$XDG_CONFIG_HOME/ferry/themes/broken.theme
check_err 2 "a broken theme: status 2, its file and line" \
    "^ferry: $bad:3: unknown colour 'blu'" \
    "$FERRY" . --theme broken
check_err 2 "a broken theme by path, even without a terminal" \
    "^ferry: $bad:3: unknown colour 'blu'" \
    sh -c "'$FERRY' . --theme '$bad' </dev/null >/dev/null"
check_err 2 "an unknown theme names where it looked" \
    "theme 'nosuch' not found \(looked for nosuch.theme in $XDG_CONFIG_HOME/ferry/themes, " \
    "$FERRY" . --theme nosuch
check_err 2 "--theme without a name" "--theme needs a theme name" \
    "$FERRY" . --theme
printf '[ferry]\ntheme = broken\n' >"$XDG_CONFIG_HOME/ferry/config"
check_err 2 "a broken theme from the config" \
    "^ferry: $bad:3: unknown colour 'blu'" "$FERRY" .
rm -f "$XDG_CONFIG_HOME/ferry/config"

# In a terminal: nothing was drawn (no alternate screen), status 2.
TUI_SOCK="$TUI_SOCK-z"
tmux_ -f /dev/null new-session -d -s t -x 80 -y 10 \
    "cd '$T/d' && env LANG=C.UTF-8 HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' FERRY_STORE='$FERRY_STORE' '$FERRY' . --theme broken 2>'$T/b.err'; echo \$? >'$T/b.status'; tmux -L $TUI_SOCK wait-for -S done; sleep 5"
tmux_ set-option -t t remain-on-exit on >/dev/null
if timeout 10 tmux -L "$TUI_SOCK" wait-for done; then
	check "in a terminal: status 2" test "$(cat "$T/b.status")" = 2
	check "in a terminal: the message names the line" \
	    grep -q "broken.theme:3: unknown colour 'blu'" "$T/b.err"
	check "in a terminal: the screen was not touched" \
	    test -z "$(tmux_ capture-pane -p -t t | tr -d ' \n')"
else
	notok "in a terminal: ferry did not exit"
fi
