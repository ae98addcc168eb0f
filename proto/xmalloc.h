/*
 * The one out-of-memory policy of every program, as tmux has it: an
 * allocation either succeeds or ends the program with a clear message.
 * Callers never check for NULL. CZMQ's constructors abort the same way,
 * and jansson allocates through these (xmalloc_init), so a NULL from
 * json_pack() means a bad format, never a full heap.
 */
#ifndef SCADA_XMALLOC_H
#define SCADA_XMALLOC_H

#include <stddef.h>

void	 xmalloc_init(void);
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
void	*xcalloc_aligned(size_t, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
