/* libjpeg-turbo's TurboJPEG API: every call returns an error code instead of calling exit(),
   so a corrupt JPEG becomes a Swift error (Swift cannot catch libjpeg's longjmp). */
#include <turbojpeg.h>
