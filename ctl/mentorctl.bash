# bash completion for mentorctl                          -*- shell-script -*-
#
# Commands, options, platforms, ledger kinds and stages are fixed lists.
# Mentor ids and handles, and suggested handles, come from the running
# daemon (mentorctl mentors / suggest) with a one-second timeout, so a
# missing daemon never stalls the prompt. Mentor names are not offered:
# they contain spaces; type a prefix yourself.

_mentorctl_commands="status follow unfollow sources import link unlink track untrack mentors show why log
stage suggest dismiss nudges check watch poll mute unmute mutes export report reload login logout"
_mentorctl_platforms="x mastodon bluesky"
# link and unlink also take the channels that are not polled.
_mentorctl_channels="email linkedin"

# Runs the mentorctl being completed (it may be ./build/mentorctl).
_mentorctl_run()
{
    local bin=${_mentorctl_bin:-mentorctl}
    "${bin/#\~/$HOME}" --timeout 1 "$@" 2>/dev/null
}

# Ids and handles of every mentor, from the ACCOUNTS column ("x:handle").
_mentorctl_mentors()
{
    _mentorctl_run mentors --all | awk 'NR > 1 {
        print $1
        for (i = 2; i <= NF; i++)
            if ($i ~ /^(x|mastodon|bluesky|email):./) { sub(/^[a-z]+:/, "", $i); print $i }
    }'
}

_mentorctl_ids()
{
    _mentorctl_run mentors --all | awk 'NR > 1 { print $1 }'
}

# Followed handles on platform $1 (mentors' accounts).
_mentorctl_handles()
{
    _mentorctl_run mentors --all | awk -v p="$1:" 'NR > 1 {
        for (i = 2; i <= NF; i++) if (index($i, p) == 1) print substr($i, length(p) + 1)
    }'
}

# Sources' handles on platform $1 (for unfollow).
_mentorctl_source_handles()
{
    _mentorctl_run --json sources |
        awk -F'"' -v p="$1" '$2 == "platform" { plat = $4 } $2 == "handle" && plat == p { print $4 }'
}

# Suggested handles on platform $1: rows of the table start with the fit.
_mentorctl_suggested()
{
    _mentorctl_run suggest --limit 100 | awk -v p="$1" 'NR > 1 && $1 ~ /^[0-9.]+$/ && $2 == p { print $3 }'
}

# Options per command; those in _mentorctl_argopts take a value.
_mentorctl_options()
{
    case $1 in
        follow)  echo "--name --mentor --source --history" ;;
        sources) echo "--json" ;;
        import)  echo "--csv --match --limit --dry-run --yes --json --me" ;;
        track)   echo "--platform" ;;
        mentors) echo "--sort --limit --offset --all" ;;
        show)    echo "--events" ;;
        log)     echo "--note --when" ;;
        suggest) echo "--limit --links" ;;
        poll)    echo "--wait" ;;
        check)   echo "--accept --watch --format --name" ;;
        mute)    echo "--for" ;;
        export)  echo "--format" ;;
        report)  echo "--out --since --mentor --private" ;;
        login)   echo "--no-browser --pds --password-stdin --api --user --client-id --port --config" ;;
        logout)  echo "--config" ;;
    esac
}
_mentorctl_argopts=" --timeout --name --mentor --history --platform --sort --events --note --when --limit --offset --accept --watch --for --format --csv --me --match --pds --api --client-id --port --config --out --since "

# Completes the value of option $1; returns 1 when $1 takes none.
_mentorctl_optarg()
{
    case $1 in
        --sort)     COMPREPLY=($(compgen -W "score fit recent stage" -- "$cur")) ;;
        --format)   if [ "$cmd" = check ]; then COMPREPLY=($(compgen -W "text lines" -- "$cur"))
                    else COMPREPLY=($(compgen -W "json csv" -- "$cur")); fi ;;
        --watch)    COMPREPLY=($(compgen -f -- "$cur")) ;;
        --platform) COMPREPLY=($(compgen -W "$_mentorctl_platforms" -- "$cur")) ;;
        --when)     COMPREPLY=($(compgen -W "now today yesterday" -- "$cur")) ;;
        --mentor)   COMPREPLY=($(compgen -W "$(_mentorctl_ids)" -- "$cur")) ;;
        --for)      COMPREPLY=($(compgen -W "1h 8h 1d 1w" -- "$cur")) ;;
        --csv)      COMPREPLY=($(compgen -f -X '!*.csv' -- "$cur")) ;;
        --config)   COMPREPLY=($(compgen -f -- "$cur")) ;;
        --out)      COMPREPLY=($(compgen -f -X '!*.html' -- "$cur")) ;;
        --since)    COMPREPLY=($(compgen -W "30d 12w $(date +%Y)-01-01" -- "$cur")) ;;
        --timeout|--name|--note|--events|--limit|--accept|--match|--pds|--api|--client-id|--port) COMPREPLY=() ;;
        *) return 1 ;;
    esac
    return 0
}

# Completes positional argument number $2 of command $1; the earlier ones
# are in the array pos.
_mentorctl_positional()
{
    local list=
    case $1:$2 in
        follow:1|unfollow:1|dismiss:1) list=$_mentorctl_platforms ;;
        link:2|unlink:2) list="$_mentorctl_platforms $_mentorctl_channels" ;;
        import:1)    list="$_mentorctl_platforms linkedin" ;;
        import:2)    [[ ${pos[1]} == linkedin ]] && { COMPREPLY=($(compgen -f -X '!*.zip' -- "$cur")); return; } ;;
        unfollow:2)  list="$(_mentorctl_handles "${pos[1]}") $(_mentorctl_source_handles "${pos[1]}")" ;;
        unlink:3)    list=$(_mentorctl_handles "${pos[2]}") ;;
        dismiss:2)   list=$(_mentorctl_suggested "${pos[1]}") ;;
        link:1|unlink:1|show:1|why:1|log:1|stage:1|mute:1|unmute:1) list=$(_mentorctl_mentors) ;;
        log:2)       list="met email call meeting dm note" ;;
        stage:2)     list="follow participate establish connected dormant auto" ;;
        login:1)     list=$_mentorctl_platforms ;;
        logout:1)    list=mastodon ;;
    esac
    COMPREPLY=($(compgen -W "$list" -- "$cur"))
}

_mentorctl()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
        cur=${words[cword]} prev=${words[cword - 1]}
        # Without bash-completion "--sort=sc" arrives as "--sort" "=" "sc".
        if [[ $cur == = ]]; then
            cur=
        elif [[ $prev == = ]]; then
            prev=${words[cword - 2]}
        fi
    fi
    local _mentorctl_bin=${words[0]}

    # The command is the first word that is neither an option nor a value.
    local i cmd= ci=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --timeout) [[ ${words[i + 1]} == = ]] && ((i++)); ((i++)) ;;
            -*|=) ;;
            *) cmd=${words[i]} ci=$i; break ;;
        esac
    done

    _mentorctl_optarg "$prev" && return
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--json --timeout --version --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_mentorctl_commands" -- "$cur"))
        fi
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_mentorctl_options "$cmd")" -- "$cur"))
        return
    fi

    # Positional arguments so far, skipping options and their values.
    local -a pos=("$cmd")
    for ((i = ci + 1; i < cword; i++)); do
        case ${words[i]} in
            =) ;;
            -*=*) ;;
            -*) if [[ $_mentorctl_argopts == *" ${words[i]} "* ]]; then
                    [[ ${words[i + 1]} == = ]] && ((i++))
                    ((i++))
                fi ;;
            *) pos+=("${words[i]}") ;;
        esac
    done
    _mentorctl_positional "$cmd" "${#pos[@]}"
}

complete -F _mentorctl mentorctl
