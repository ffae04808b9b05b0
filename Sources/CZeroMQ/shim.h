// ZeroMQ (Debian libzmq3-dev): the sockets of the Jupyter kernel.
#include <zmq.h>
