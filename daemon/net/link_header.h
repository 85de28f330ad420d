/* link_header.h — RFC 8288 Link header parsing (Mastodon paging).
 *
 *   Link: <https://h/api/v1/timelines/tag/x?max_id=9>; rel="next",
 *         <https://h/api/v1/timelines/tag/x?min_id=12>; rel="prev"
 *
 * Commas inside the <URI> or a quoted value do not split links; rel may be
 * quoted or bare and may list several space-separated types. */
#ifndef MENTORD_NET_LINK_HEADER_H
#define MENTORD_NET_LINK_HEADER_H

/* Finds the first link whose rel contains `rel` (case-insensitive) and
 * returns its target in *url (heap-allocated). Returns 0, -ENOENT when no
 * such link exists, -EINVAL when the header is malformed before a match,
 * -ENOMEM. */
int net_link_header_find(const char *header, const char *rel, char **url);

#endif
