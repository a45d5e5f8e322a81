// A small C interface to the ALE 0.12 `ALEInterface`, exposing what deepq-atari needs.
// No C++ exception crosses it: every entry point catches and reports failure by its return
// value. Part of deepq-ale-sys (GPL-2.0-only, like the ALE it wraps).

#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "ale/ale_interface.hpp"
#include "ale/common/Log.hpp"
#include "ale/games/Roms.hpp"
#include "ale/emucore/MD5.hxx"

using ale::ALEInterface;

namespace {

ALEInterface* as_ale(void* p) { return static_cast<ALEInterface*>(p); }

}  // namespace

extern "C" {

const char* dq_ale_version() { return ALE_VERSION; }

// 0: info, 1: warning, 2: error only.
void dq_ale_set_logger_mode(int mode) {
  try {
    ale::Logger::setMode(static_cast<ale::Logger::mode>(mode));
  } catch (...) {
  }
}

void* dq_ale_new() {
  try {
    return new ALEInterface();
  } catch (...) {
    return nullptr;
  }
}

void dq_ale_del(void* p) {
  try {
    delete as_ale(p);
  } catch (...) {
  }
}

int dq_ale_set_int(void* p, const char* key, int value) {
  try {
    as_ale(p)->setInt(key, value);
    return 0;
  } catch (...) {
    return -1;
  }
}

int dq_ale_set_float(void* p, const char* key, float value) {
  try {
    as_ale(p)->setFloat(key, value);
    return 0;
  } catch (...) {
    return -1;
  }
}

int dq_ale_set_bool(void* p, const char* key, bool value) {
  try {
    as_ale(p)->setBool(key, value);
    return 0;
  } catch (...) {
    return -1;
  }
}

// Whether the ALE has game settings for this ROM file: 2 if its MD5 is a supported ROM's, 1 if
// only its file name names a supported game (the ALE then loads it with a warning), 0 if the
// ALE would refuse it (its loadROM exits the process then), -1 if the file cannot be read.
int dq_ale_rom_support(const char* path) {
  try {
    std::ifstream file(path, std::ios::binary);
    if (!file.good()) return -1;
    std::vector<uint8_t> rom((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::string md5 = ale::stella::MD5(rom.data(), static_cast<uint32_t>(rom.size()));
    std::unique_ptr<ale::RomSettings> wrapper(ale::buildRomRLWrapper(path, md5));
    if (!wrapper) return 0;
    return wrapper->md5() == md5 ? 2 : 1;
  } catch (...) {
    return -1;
  }
}

// Loads the ROM (call dq_ale_rom_support first: the ALE exits on an unsupported ROM).
int dq_ale_load_rom(void* p, const char* path) {
  try {
    as_ale(p)->loadROM(path);
    return 0;
  } catch (...) {
    return -1;
  }
}

int dq_ale_act(void* p, int action, float paddle_strength) {
  try {
    return as_ale(p)->act(static_cast<ale::Action>(action), paddle_strength);
  } catch (...) {
    return 0;
  }
}

bool dq_ale_game_over(void* p, bool with_truncation) {
  try {
    return as_ale(p)->game_over(with_truncation);
  } catch (...) {
    return true;
  }
}

bool dq_ale_game_truncated(void* p) {
  try {
    return as_ale(p)->game_truncated();
  } catch (...) {
    return false;
  }
}

int dq_ale_reset_game(void* p) {
  try {
    as_ale(p)->reset_game();
    return 0;
  } catch (...) {
    return -1;
  }
}

int dq_ale_lives(void* p) {
  try {
    return as_ale(p)->lives();
  } catch (...) {
    return 0;
  }
}

int dq_ale_frame_number(void* p) {
  try {
    return as_ale(p)->getFrameNumber();
  } catch (...) {
    return 0;
  }
}

int dq_ale_episode_frame_number(void* p) {
  try {
    return as_ale(p)->getEpisodeFrameNumber();
  } catch (...) {
    return 0;
  }
}

// Writes at most `cap` action codes to `out` (may be null) and returns the set's size.
static int copy_actions(const ale::ActionVect& v, int* out, int cap) {
  int n = static_cast<int>(v.size());
  for (int i = 0; out != nullptr && i < n && i < cap; i++) out[i] = static_cast<int>(v[i]);
  return n;
}

int dq_ale_minimal_action_set(void* p, int* out, int cap) {
  try {
    return copy_actions(as_ale(p)->getMinimalActionSet(), out, cap);
  } catch (...) {
    return -1;
  }
}

int dq_ale_legal_action_set(void* p, int* out, int cap) {
  try {
    return copy_actions(as_ale(p)->getLegalActionSet(), out, cap);
  } catch (...) {
    return -1;
  }
}

int dq_ale_screen_width(void* p) {
  try {
    return static_cast<int>(as_ale(p)->getScreen().width());
  } catch (...) {
    return 0;
  }
}

int dq_ale_screen_height(void* p) {
  try {
    return static_cast<int>(as_ale(p)->getScreen().height());
  } catch (...) {
    return 0;
  }
}

int dq_ale_ram_size(void* p) {
  try {
    return static_cast<int>(as_ale(p)->getRAM().size());
  } catch (...) {
    return 0;
  }
}

// The getters below write exactly the size reported above (RAM bytes; width * height pixels,
// times 3 for RGB) and return the number of bytes written, or -1 when `len` is not that size.

int dq_ale_get_ram(void* p, uint8_t* out, size_t len) {
  try {
    const ale::ALERAM& ram = as_ale(p)->getRAM();
    if (len != ram.size()) return -1;
    std::memcpy(out, ram.array(), ram.size());
    return static_cast<int>(ram.size());
  } catch (...) {
    return -1;
  }
}

int dq_ale_get_screen(void* p, uint8_t* out, size_t len) {
  try {
    const ale::ALEScreen& s = as_ale(p)->getScreen();
    size_t n = s.width() * s.height();
    if (len != n) return -1;
    std::memcpy(out, s.getArray(), n);
    return static_cast<int>(n);
  } catch (...) {
    return -1;
  }
}

int dq_ale_get_screen_rgb(void* p, uint8_t* out, size_t len) {
  try {
    ALEInterface* ale = as_ale(p);
    const ale::ALEScreen& s = ale->getScreen();
    size_t n = s.width() * s.height();
    if (len != 3 * n) return -1;
    ale->theOSystem->colourPalette().applyPaletteRGB(out, s.getArray(), n);
    return static_cast<int>(3 * n);
  } catch (...) {
    return -1;
  }
}

int dq_ale_get_screen_grayscale(void* p, uint8_t* out, size_t len) {
  try {
    ALEInterface* ale = as_ale(p);
    const ale::ALEScreen& s = ale->getScreen();
    size_t n = s.width() * s.height();
    if (len != n) return -1;
    ale->theOSystem->colourPalette().applyPaletteGrayscale(out, s.getArray(), n);
    return static_cast<int>(n);
  } catch (...) {
    return -1;
  }
}

}  // extern "C"
