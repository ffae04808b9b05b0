// libedit's el_set, el_get and history take variable arguments, which Swift cannot call;
// these wrappers give each use Gradbook makes of them a fixed signature.
#ifndef GRADBOOK_CLIBEDIT_SHIM_H
#define GRADBOOK_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>

typedef char *(*gb_prompt_fn)(EditLine *);
typedef unsigned char (*gb_command_fn)(EditLine *, int);

// Line editing on the process's standard streams.
static inline EditLine *gb_el_init(const char *program) {
  return el_init(program, stdin, stdout, stderr);
}

static inline int gb_el_set_prompt(EditLine *el, gb_prompt_fn fn, char ignore) {
  // Characters between two `ignore` characters are escape sequences that take no room.
  return el_set(el, EL_PROMPT_ESC, fn, ignore);
}

static inline int gb_el_set_editor(EditLine *el, const char *mode) {
  return el_set(el, EL_EDITOR, mode);
}

static inline int gb_el_set_history(EditLine *el, History *h) {
  return el_set(el, EL_HIST, history, h);
}

static inline int gb_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }

static inline int gb_el_add_function(
    EditLine *el, const char *name, const char *help, gb_command_fn fn) {
  return el_set(el, EL_ADDFN, name, help, fn);
}

static inline int gb_el_bind(EditLine *el, const char *key, const char *command) {
  return el_set(el, EL_BIND, key, command, (const char *)NULL);
}

static inline int gb_el_set_client_data(EditLine *el, void *data) {
  return el_set(el, EL_CLIENTDATA, data);
}

static inline void *gb_el_client_data(EditLine *el) {
  void *data = NULL;
  el_get(el, EL_CLIENTDATA, &data);
  return data;
}

static inline int gb_history_set_size(History *h, int size) {
  HistEvent event;
  return history(h, &event, H_SETSIZE, size);
}

static inline int gb_history_set_unique(History *h, int unique) {
  HistEvent event;
  return history(h, &event, H_SETUNIQUE, unique);
}

static inline int gb_history_enter(History *h, const char *line) {
  HistEvent event;
  return history(h, &event, H_ENTER, line);
}

static inline int gb_history_load(History *h, const char *path) {
  HistEvent event;
  return history(h, &event, H_LOAD, path);
}

static inline int gb_history_save(History *h, const char *path) {
  HistEvent event;
  return history(h, &event, H_SAVE, path);
}

// Walks the entries oldest first: `first` is 1 to start, 0 to step. Returns NULL at the end.
static inline const char *gb_history_step(History *h, int first) {
  HistEvent event;
  // The list is kept newest first, so oldest first walks from the last towards the front.
  int status = history(h, &event, first ? H_LAST : H_PREV);
  return status == -1 ? NULL : event.str;
}

#endif
