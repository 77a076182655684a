// libhdf5 (Debian's serial build; headers in /usr/include/hdf5/serial, found by pkg-config
// hdf5-serial). HDF5's predefined ids are macros that call H5open() first, which Swift cannot
// import: these tiny functions hand them over.
#include <hdf5.h>

static inline hid_t cnn_h5_default(void) { return H5P_DEFAULT; }
static inline hid_t cnn_h5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t cnn_h5_c_string(void) { return H5T_C_S1; }
static inline hid_t cnn_h5_file_access(void) { return H5P_FILE_ACCESS; }
static inline hsize_t cnn_h5_unlimited(void) { return H5S_UNLIMITED; }
// Turns off HDF5's printing of its error stack to stderr: failures come back as negative ids
// and are reported by the caller, once, with the path.
static inline void cnn_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
