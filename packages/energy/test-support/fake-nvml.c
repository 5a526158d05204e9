/*
 * A stand-in for libnvidia-ml.so.1 with the functions Sieve's NVML source calls, for tests.
 * Each device's energy counter (mJ, 64-bit) goes up by a set step on every read, so its
 * value is a function of the call count; the fake_* functions let a test set it and see it.
 */
#include <stdio.h>

#define MAX_DEVICES 8
typedef struct fake_device { unsigned int index; } *nvmlDevice_t;

static struct fake_device devices[MAX_DEVICES];
static unsigned int device_count = 2;
static unsigned long long energy_mj[MAX_DEVICES];
static unsigned long long energy_step_mj[MAX_DEVICES];
static unsigned long long last_read_mj[MAX_DEVICES];
static unsigned int power_mw[MAX_DEVICES];
static int energy_supported = 1;
static int failing = 0;
static int init_count = 0;

int nvmlInit_v2(void) { init_count++; return 0; }

int nvmlShutdown(void) {
  if (init_count == 0) return 1; /* NVML_ERROR_UNINITIALIZED */
  init_count--;
  return 0;
}

const char *nvmlErrorString(int result) {
  switch (result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 15: return "GPU is lost";
    default: return "Unknown Error";
  }
}

int nvmlDeviceGetCount_v2(unsigned int *count) {
  if (init_count == 0) return 1;
  *count = device_count;
  return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (init_count == 0) return 1;
  if (index >= device_count) return 2;
  devices[index].index = index;
  *device = &devices[index];
  return 0;
}

int nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  if (init_count == 0) return 1;
  snprintf(name, length, "Fake NVML GPU %u", device->index);
  return 0;
}

int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
  if (init_count == 0) return 1;
  if (failing) return 15;
  if (!energy_supported) return 3;
  energy_mj[device->index] += energy_step_mj[device->index]; /* wraps modulo 2^64 */
  last_read_mj[device->index] = energy_mj[device->index];
  *energy = energy_mj[device->index];
  return 0;
}

int nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  if (init_count == 0) return 1;
  if (failing) return 15;
  *power = power_mw[device->index];
  return 0;
}

/* Test controls. */
void fake_set_energy_mj(unsigned int index, unsigned long long value) { energy_mj[index] = value; }
void fake_set_energy_step_mj(unsigned int index, unsigned long long step) { energy_step_mj[index] = step; }
unsigned long long fake_last_read_mj(unsigned int index) { return last_read_mj[index]; }
void fake_set_power_mw(unsigned int index, unsigned int value) { power_mw[index] = value; }
void fake_set_energy_supported(int supported) { energy_supported = supported; }
void fake_set_failing(int fail) { failing = fail; }
int fake_init_count(void) { return init_count; }
