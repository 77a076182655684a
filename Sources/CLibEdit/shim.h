// libedit (BSD editline) from Debian's libedit-dev: line editing and history for `cnnlearn repl`.
// el_set and history are C variadic functions, which Swift cannot call; these fixed-argument
// wrappers are the only calls the REPL makes through them.
#include <stdio.h>
#include <wchar.h>
#include <histedit.h>

typedef char *(*cnn_el_prompt_fn)(EditLine *);
typedef unsigned char (*cnn_el_command_fn)(EditLine *, int);
typedef int (*cnn_el_getc_fn)(EditLine *, wchar_t *);

static inline int cnn_el_set_prompt(EditLine *e, cnn_el_prompt_fn f) { return el_set(e, EL_PROMPT, f); }
static inline int cnn_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int cnn_el_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
static inline int cnn_el_set_getc(EditLine *e, cnn_el_getc_fn f) { return el_set(e, EL_GETCFN, f); }
static inline int cnn_el_set_history(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int cnn_el_add_function(EditLine *e, const char *name, const char *help, cnn_el_command_fn f) {
    return el_set(e, EL_ADDFN, name, help, f);
}
static inline int cnn_el_bind(EditLine *e, const char *key, const char *function) {
    return el_set(e, EL_BIND, key, function, (const char *)NULL);
}
static inline int cnn_history_set_size(History *h, HistEvent *ev, int size) { return history(h, ev, H_SETSIZE, size); }
static inline int cnn_history_set_unique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int cnn_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int cnn_history_load(History *h, HistEvent *ev, const char *file) { return history(h, ev, H_LOAD, file); }
static inline int cnn_history_save(History *h, HistEvent *ev, const char *file) { return history(h, ev, H_SAVE, file); }

// Ctrl-C in the REPL: a flag the handler sets and the REPL takes. The handler is installed
// without SA_RESTART, so a read waiting for a key returns EINTR and the line can be cancelled.
#include <signal.h>
#include <string.h>
static volatile sig_atomic_t cnn_interrupt_flag = 0;
static void cnn_on_interrupt(int signal) { (void)signal; cnn_interrupt_flag = 1; }
static inline int cnn_install_interrupt_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cnn_on_interrupt;
    sigemptyset(&action.sa_mask);
    // A parent may have started us with SIGINT blocked (the mask is inherited): unblock it.
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    sigprocmask(SIG_UNBLOCK, &interrupt, NULL);
    return sigaction(SIGINT, &action, NULL);
}
static inline int cnn_interrupt_pending(void) { return cnn_interrupt_flag != 0; }
static inline void cnn_interrupt_clear(void) { cnn_interrupt_flag = 0; }

// The standard streams, which Swift 6 will not read as shared mutable globals.
static inline FILE *cnn_stdin(void) { return stdin; }
static inline FILE *cnn_stdout(void) { return stdout; }
static inline FILE *cnn_stderr(void) { return stderr; }
