/* The mmlab command's subcommands; each returns the process exit status. */
#ifndef MMLAB_TOOL_COMMANDS_H
#define MMLAB_TOOL_COMMANDS_H

int cmd_demo(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
