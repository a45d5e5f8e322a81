//! LunarLander, ported from Gymnasium 1.4.0's `LunarLander` (`LunarLander-v3`) onto the same
//! physics engine: Box2D 2.3.0 as pybox2d 2.3.10 compiles it (the `deepq-box2d` crate).
//!
//! Everything the reference computes in Python is computed here in `f64` in the same order
//! (engine impulses, wind, the observation and the shaping reward), and every value crosses into
//! Box2D as `f32` exactly where pybox2d converts it, so that the trajectories agree with
//! Gymnasium's bit for bit when both are fed the same random draws. The draws come from the
//! environment's own RNG (ChaCha, not numpy's PCG64): twelve terrain heights, the initial force
//! and, with wind, the two wind phases at `reset`; two engine-dispersion draws at every step,
//! the reset's no-op step included. [`LunarLander::reset_with`] and
//! [`LunarLander::step_with`] take them from the caller instead (the conformance tests replay
//! Gymnasium's draws that way).
//!
//! Actions (discrete): 0 nothing, 1 left orientation engine, 2 main engine, 3 right orientation
//! engine. The continuous variant's actions `[main, lateral]` in `[-1, 1]²` are accepted by
//! [`LunarLander::step_continuous`] (the [`Env`] trait itself is discrete). The observation is
//! `[x, y, vx, vy, angle, angular velocity, left leg contact, right leg contact]`, normalised as
//! in Gymnasium. The episode terminates with -100 when the lander body touches the ground or
//! `|x| >= 1`, and with +100 when the lander comes to rest (Box2D puts it to sleep); the
//! 1000-step time limit comes from the registry.

use super::rng::EnvRng;
use crate::env::{Env, EnvError, EpisodeGuard, Info, Obs, RgbFrame, Step};
use crate::space::{Dtype, Space};
use deepq_box2d::{BodyId, BodyType, ContactEvent, FixtureDef, FixtureId, RevoluteJointDef, World};

mod render;

/// Frames (physics steps) per second.
pub const FPS: f64 = 50.0;
/// Pixels per metre.
pub const SCALE: f64 = 30.0;
const MAIN_ENGINE_POWER: f64 = 13.0;
const SIDE_ENGINE_POWER: f64 = 0.6;
/// Largest magnitude of each component of the initial force.
const INITIAL_RANDOM: f64 = 1000.0;
/// The lander's hull in pixels.
const LANDER_POLY: [(f64, f64); 6] =
    [(-14.0, 17.0), (-17.0, 0.0), (-17.0, -10.0), (17.0, -10.0), (17.0, 0.0), (14.0, 17.0)];
const LEG_AWAY: f64 = 20.0;
const LEG_DOWN: f64 = 18.0;
const LEG_W: f64 = 2.0;
const LEG_H: f64 = 8.0;
const LEG_SPRING_TORQUE: f64 = 40.0;
const SIDE_ENGINE_HEIGHT: f64 = 14.0;
const SIDE_ENGINE_AWAY: f64 = 12.0;
const MAIN_ENGINE_Y_LOCATION: f64 = 4.0;
/// Picture width in pixels.
pub const VIEWPORT_W: f64 = 600.0;
/// Picture height in pixels.
pub const VIEWPORT_H: f64 = 400.0;
/// Terrain points (the terrain has `CHUNKS - 1` edges).
pub const CHUNKS: usize = 11;
/// Box2D's iterations per step, as gymnasium passes them.
const VELOCITY_ITERATIONS: i32 = 6 * 30;
const POSITION_ITERATIONS: i32 = 2 * 30;

/// Gymnasium's `LunarLander` keyword arguments (`continuous` is a separate entry point here).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LunarLanderConfig {
    /// Gravity along y, in `(-12, 0)`.
    pub gravity: f64,
    /// Wind and turbulence while no leg touches the ground.
    pub enable_wind: bool,
    /// Largest wind force.
    pub wind_power: f64,
    /// Largest turbulence torque.
    pub turbulence_power: f64,
}

impl Default for LunarLanderConfig {
    fn default() -> Self {
        Self { gravity: -10.0, enable_wind: false, wind_power: 15.0, turbulence_power: 1.5 }
    }
}

impl LunarLanderConfig {
    /// Checks the kwargs as Gymnasium does (gravity strictly between -12 and 0; the wind
    /// strengths are only recommended ranges there, but must be finite here).
    pub fn validate(&self) -> Result<(), EnvError> {
        if !(-12.0 < self.gravity && self.gravity < 0.0) {
            return Err(EnvError::BadKwarg(format!("gravity must be between -12 and 0, got {}", self.gravity)));
        }
        for (name, v) in [("wind_power", self.wind_power), ("turbulence_power", self.turbulence_power)] {
            if !v.is_finite() {
                return Err(EnvError::BadKwarg(format!("{name} must be a finite number, got {v}")));
            }
        }
        Ok(())
    }
}

/// The random draws of one `reset`, in Gymnasium's units and order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResetDraws {
    /// `np_random.uniform(0, H / 2, size=12)`: the terrain heights (five are then overwritten by
    /// the helipad's height).
    pub heights: [f64; CHUNKS + 1],
    /// `np_random.uniform(-1000, 1000)` twice: the initial force on the lander.
    pub force: [f64; 2],
    /// `np_random.integers(-9999, 9999)` twice: the wind and turbulence phases (drawn, and
    /// used, only with `enable_wind`).
    pub wind_phase: [i64; 2],
    /// The dispersion draws of the reset's no-op step (see [`LunarLander::step_with`]).
    pub dispersion: [f64; 2],
}

/// An action of either variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LunarAction {
    /// `LunarLander-v3`: 0 nothing, 1 left engine, 2 main engine, 3 right engine.
    Discrete(usize),
    /// The continuous variant: `[main, lateral]`, clipped to `[-1, 1]`.
    Continuous([f32; 2]),
}

/// What the renderer needs besides the bodies' poses.
#[derive(Debug, Clone)]
pub(crate) struct Scene {
    pub chunk_x: [f64; CHUNKS],
    pub smooth_y: [f64; CHUNKS],
    pub helipad_x1: f64,
    pub helipad_x2: f64,
    pub helipad_y: f64,
}

struct Bodies {
    world: World,
    lander: BodyId,
    legs: [BodyId; 2],
    lander_fixture: FixtureId,
    leg_fixtures: [FixtureId; 2],
}

/// A polygon (body frame, Box2D's vertex order) and the pose of its body.
pub(crate) type PosedPolygon = (Vec<[f32; 2]>, deepq_box2d::BodyState);

/// One engine firing of the last step (for the renderer's exhaust particles).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Firing {
    /// Where the impulse acted (metres).
    pub position: [f64; 2],
    /// The impulse on the exhaust (opposite to the lander's).
    pub impulse: [f64; 2],
    /// Throttle in `[0.5, 1]`.
    pub power: f64,
    /// Main engine (true) or an orientation engine.
    pub main: bool,
}

/// The lunar lander task on Box2D.
pub struct LunarLander {
    id: String,
    config: LunarLanderConfig,
    observation_space: Space,
    action_space: Space,
    rng: EnvRng,
    guard: EpisodeGuard,
    bodies: Option<Bodies>,
    scene: Option<Scene>,
    game_over: bool,
    ground_contact: [bool; 2],
    prev_shaping: Option<f64>,
    wind_idx: i64,
    torque_idx: i64,
    events: Vec<ContactEvent>,
    pub(crate) firings: Vec<Firing>,
    /// Physics steps since the environment was made (the renderer's clock).
    steps: u64,
    renderer: Option<Box<render::LunarRenderer>>,
}

impl std::fmt::Debug for LunarLander {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LunarLander").field("id", &self.id).field("config", &self.config).finish_non_exhaustive()
    }
}

impl LunarLander {
    /// The environment under `id` with Gymnasium's default kwargs.
    pub fn new(id: &str) -> Self {
        Self::with_config(id, LunarLanderConfig::default()).expect("the default config is valid")
    }

    /// The environment under `id` with `config` (see [`LunarLanderConfig::validate`]).
    pub fn with_config(id: &str, config: LunarLanderConfig) -> Result<Self, EnvError> {
        config.validate()?;
        let tau = 2.0 * std::f64::consts::PI;
        let low = [-2.5, -2.5, -10.0, -10.0, -tau, -10.0, -0.0, -0.0].map(|v: f64| v as f32);
        let high = [2.5, 2.5, 10.0, 10.0, tau, 10.0, 1.0, 1.0].map(|v: f64| v as f32);
        Ok(Self {
            id: id.to_string(),
            config,
            observation_space: Space::Box { shape: vec![8], low: low.to_vec(), high: high.to_vec(), dtype: Dtype::F32 },
            action_space: Space::Discrete { n: 4 },
            rng: EnvRng::default(),
            guard: EpisodeGuard::NeedsReset,
            bodies: None,
            scene: None,
            game_over: false,
            ground_contact: [false; 2],
            prev_shaping: None,
            wind_idx: 0,
            torque_idx: 0,
            events: Vec::new(),
            firings: Vec::new(),
            steps: 0,
            renderer: None,
        })
    }

    /// The kwargs this environment was made with.
    pub fn config(&self) -> &LunarLanderConfig {
        &self.config
    }

    /// Draws a reset's random numbers from the environment's RNG, in Gymnasium's order.
    fn draw_reset(&mut self) -> ResetDraws {
        let half_h = VIEWPORT_H / SCALE / 2.0;
        let mut heights = [0.0; CHUNKS + 1];
        for h in &mut heights {
            *h = 0.0 + (half_h - 0.0) * self.rng.uniform();
        }
        let mut force = [0.0; 2];
        for f in &mut force {
            *f = -INITIAL_RANDOM + (INITIAL_RANDOM - -INITIAL_RANDOM) * self.rng.uniform();
        }
        let mut wind_phase = [0i64; 2];
        if self.config.enable_wind {
            for p in &mut wind_phase {
                // integers(-9999, 9999): the upper bound is exclusive.
                *p = -9999 + ((self.rng.uniform() * 19998.0) as i64).min(19997);
            }
        }
        let dispersion = self.draw_dispersion();
        ResetDraws { heights, force, wind_phase, dispersion }
    }

    fn draw_dispersion(&mut self) -> [f64; 2] {
        [-1.0 + 2.0 * self.rng.uniform(), -1.0 + 2.0 * self.rng.uniform()]
    }

    /// Starts an episode from the given draws instead of the RNG's (the RNG is not touched).
    pub fn reset_with(&mut self, draws: &ResetDraws) -> (Obs, Info) {
        let w = VIEWPORT_W / SCALE;
        let h = VIEWPORT_H / SCALE;
        // A new world every episode, as gymnasium v3 does.
        let mut world = World::new([0.0, self.config.gravity as f32]);
        self.game_over = false;
        self.prev_shaping = None;

        // Terrain.
        let mut height = draws.heights;
        let mut chunk_x = [0.0; CHUNKS];
        for (i, x) in chunk_x.iter_mut().enumerate() {
            *x = w / (CHUNKS - 1) as f64 * i as f64;
        }
        let helipad_x1 = chunk_x[CHUNKS / 2 - 1];
        let helipad_x2 = chunk_x[CHUNKS / 2 + 1];
        let helipad_y = h / 4.0;
        height[CHUNKS / 2 - 2..=CHUNKS / 2 + 2].fill(helipad_y);
        let mut smooth_y = [0.0; CHUNKS];
        for (i, y) in smooth_y.iter_mut().enumerate() {
            // Python's height[i - 1] is height[-1] = height[12 - 1] for i = 0.
            let prev = if i == 0 { height[CHUNKS] } else { height[i - 1] };
            *y = 0.33 * (prev + height[i] + height[i + 1]);
        }
        let moon = world.create_body(BodyType::Static, [0.0, 0.0], 0.0);
        world.add_edge(moon, [0.0, 0.0], [w as f32, 0.0], &FixtureDef::default());
        let terrain = FixtureDef { density: 0.0, friction: 0.1, ..FixtureDef::default() };
        for i in 0..CHUNKS - 1 {
            let p1 = [chunk_x[i] as f32, smooth_y[i] as f32];
            let p2 = [chunk_x[i + 1] as f32, smooth_y[i + 1] as f32];
            world.add_edge(moon, p1, p2, &terrain);
        }

        // The lander and its initial push.
        let initial_y = VIEWPORT_H / SCALE;
        let initial_x = VIEWPORT_W / SCALE / 2.0;
        let lander = world.create_body(BodyType::Dynamic, [initial_x as f32, initial_y as f32], 0.0);
        let hull: Vec<[f32; 2]> = LANDER_POLY.iter().map(|&(x, y)| [(x / SCALE) as f32, (y / SCALE) as f32]).collect();
        let lander_fixture = world.add_polygon(
            lander,
            &hull,
            &FixtureDef {
                density: 5.0,
                friction: 0.1,
                category_bits: 0x0010,
                mask_bits: 0x001,
                restitution: 0.0,
                ..FixtureDef::default()
            },
        );
        world.apply_force_to_center(lander, [draws.force[0] as f32, draws.force[1] as f32], true);
        if self.config.enable_wind {
            self.wind_idx = draws.wind_phase[0];
            self.torque_idx = draws.wind_phase[1];
        }

        // Legs on revolute joints with motors and limits.
        let mut legs = [lander; 2];
        let mut leg_fixtures = [lander_fixture; 2];
        for (k, i) in [-1.0f64, 1.0].into_iter().enumerate() {
            let angle = (i * 0.05) as f32;
            let leg = world.create_body(
                BodyType::Dynamic,
                [(initial_x - i * LEG_AWAY / SCALE) as f32, initial_y as f32],
                angle,
            );
            leg_fixtures[k] = world.add_box(
                leg,
                (LEG_W / SCALE) as f32,
                (LEG_H / SCALE) as f32,
                &FixtureDef {
                    density: 1.0,
                    restitution: 0.0,
                    category_bits: 0x0020,
                    mask_bits: 0x001,
                    ..FixtureDef::default()
                },
            );
            let (lower, upper) = if i < 0.0 { (0.9 - 0.5, 0.9) } else { (-0.9, -0.9 + 0.5) };
            world.create_revolute_joint(&RevoluteJointDef {
                body_a: lander,
                body_b: leg,
                local_anchor_a: [0.0, 0.0],
                local_anchor_b: [(i * LEG_AWAY / SCALE) as f32, (LEG_DOWN / SCALE) as f32],
                // pybox2d sets referenceAngle = bodyB.angle - bodyA.angle when it is not given.
                reference_angle: (f64::from(angle) - 0.0) as f32,
                enable_limit: true,
                lower_angle: lower as f32,
                upper_angle: upper as f32,
                enable_motor: true,
                motor_speed: (0.3 * i) as f32,
                max_motor_torque: LEG_SPRING_TORQUE as f32,
                collide_connected: false,
            });
            legs[k] = leg;
        }
        self.ground_contact = [false; 2];
        self.bodies = Some(Bodies { world, lander, legs, lander_fixture, leg_fixtures });
        self.scene = Some(Scene { chunk_x, smooth_y, helipad_x1, helipad_x2, helipad_y });
        if let Some(r) = self.renderer.as_mut() {
            r.clear_particles();
        }
        self.guard = EpisodeGuard::Running;
        let step = self.physics_step(LunarAction::Discrete(0), draws.dispersion);
        (step.obs, Info::new())
    }

    /// Steps with the given dispersion draws (each in `[-1, 1)`, Gymnasium's
    /// `np_random.uniform(-1, 1)`) instead of the RNG's.
    pub fn step_with(&mut self, action: LunarAction, dispersion: [f64; 2]) -> Result<Step, EnvError> {
        match self.guard {
            EpisodeGuard::NeedsReset => return Err(EnvError::NotReset),
            EpisodeGuard::Over => return Err(EnvError::EpisodeOver),
            EpisodeGuard::Running => {}
        }
        if let LunarAction::Discrete(a) = action {
            if a >= 4 {
                return Err(EnvError::InvalidAction { action: a, space: self.action_space.describe() });
            }
        }
        let step = self.physics_step(action, dispersion);
        self.guard.after_step(step.terminated);
        Ok(step)
    }

    /// One step of the continuous variant: `[main, lateral]`, each clipped to `[-1, 1]`. The main
    /// engine fires for `main > 0` at 50-100% throttle; an orientation engine for
    /// `|lateral| > 0.5` (left below -0.5, right above 0.5) at 50-100%.
    pub fn step_continuous(&mut self, action: [f32; 2]) -> Result<Step, EnvError> {
        let dispersion = self.draw_dispersion();
        self.step_with(LunarAction::Continuous(action), dispersion)
    }

    /// The physics of `step` for a running episode.
    fn physics_step(&mut self, action: LunarAction, dispersion: [f64; 2]) -> Step {
        let b = self.bodies.as_mut().expect("reset before stepping");
        let world = &mut b.world;
        let lander = b.lander;
        self.firings.clear();

        if self.config.enable_wind && !(self.ground_contact[0] || self.ground_contact[1]) {
            // tanh(sin(2 k t) + sin(pi k t)) with k = 0.01, never periodic.
            let wind = |t: i64| ((0.02 * t as f64).sin() + (std::f64::consts::PI * 0.01 * t as f64).sin()).tanh();
            let wind_mag = wind(self.wind_idx) * self.config.wind_power;
            self.wind_idx += 1;
            world.apply_force_to_center(lander, [wind_mag as f32, 0.0], true);
            let torque_mag = wind(self.torque_idx) * self.config.turbulence_power;
            self.torque_idx += 1;
            world.apply_torque(lander, torque_mag as f32, true);
        }

        // Continuous actions are clipped to [-1, 1] and widened to f64 (values of f32s).
        let clip = |v: f64, lo: f64, hi: f64| v.max(lo).min(hi);
        let (fire_main, main_power, side_direction, side_power) = match action {
            LunarAction::Discrete(a) => (a == 2, 1.0, if a == 1 || a == 3 { Some(a as f64 - 2.0) } else { None }, 1.0),
            LunarAction::Continuous([m, l]) => {
                let (m, l) = (clip(f64::from(m), -1.0, 1.0), clip(f64::from(l), -1.0, 1.0));
                let side = (l.abs() > 0.5).then(|| if l > 0.0 { 1.0 } else { -1.0 });
                (m > 0.0, (clip(m, 0.0, 1.0) + 1.0) * 0.5, side, clip(l.abs(), 0.5, 1.0))
            }
        };

        let angle = f64::from(world.body(lander).angle);
        let tip = (angle.sin(), angle.cos());
        let side = (-tip.1, tip.0);
        let dispersion = [dispersion[0] / SCALE, dispersion[1] / SCALE];

        let mut m_power = 0.0;
        if fire_main {
            m_power = main_power;
            let ox = tip.0 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * dispersion[0]) + side.0 * dispersion[1];
            let oy = -tip.1 * (MAIN_ENGINE_Y_LOCATION / SCALE + 2.0 * dispersion[0]) - side.1 * dispersion[1];
            let pos = world.body(lander).position;
            let impulse_pos = [f64::from(pos[0]) + ox, f64::from(pos[1]) + oy];
            let impulse = [-ox * MAIN_ENGINE_POWER * m_power, -oy * MAIN_ENGINE_POWER * m_power];
            world.apply_linear_impulse(
                lander,
                [impulse[0] as f32, impulse[1] as f32],
                [impulse_pos[0] as f32, impulse_pos[1] as f32],
                true,
            );
            self.firings.push(Firing {
                position: impulse_pos,
                impulse: [ox * MAIN_ENGINE_POWER * m_power, oy * MAIN_ENGINE_POWER * m_power],
                power: m_power,
                main: true,
            });
        }

        let mut s_power = 0.0;
        if let Some(direction) = side_direction {
            s_power = side_power;
            let lever = 3.0 * dispersion[1] + direction * SIDE_ENGINE_AWAY / SCALE;
            let ox = tip.0 * dispersion[0] + side.0 * lever;
            let oy = -tip.1 * dispersion[0] - side.1 * lever;
            let pos = world.body(lander).position;
            // 17 where SIDE_ENGINE_HEIGHT (14) was presumably meant: gymnasium's orientation-
            // dependent torque, kept.
            let impulse_pos = [
                f64::from(pos[0]) + ox - tip.0 * 17.0 / SCALE,
                f64::from(pos[1]) + oy + tip.1 * SIDE_ENGINE_HEIGHT / SCALE,
            ];
            let impulse = [-ox * SIDE_ENGINE_POWER * s_power, -oy * SIDE_ENGINE_POWER * s_power];
            world.apply_linear_impulse(
                lander,
                [impulse[0] as f32, impulse[1] as f32],
                [impulse_pos[0] as f32, impulse_pos[1] as f32],
                true,
            );
            self.firings.push(Firing {
                position: impulse_pos,
                impulse: [ox * SIDE_ENGINE_POWER * s_power, oy * SIDE_ENGINE_POWER * s_power],
                power: s_power,
                main: false,
            });
        }

        world.step((1.0 / FPS) as f32, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
        self.steps += 1;

        // The contact listener, replayed in Box2D's order.
        world.take_contact_events(&mut self.events);
        for e in &self.events {
            if e.begin && e.involves(lander) {
                self.game_over = true;
            }
            for (k, &leg) in b.legs.iter().enumerate() {
                if e.involves(leg) {
                    self.ground_contact[k] = e.begin;
                }
            }
        }

        let body = world.body(lander);
        let (pos, vel) = (body.position.map(f64::from), body.linear_velocity.map(f64::from));
        let helipad_y = self.scene.as_ref().map_or(0.0, |s| s.helipad_y);
        let state = [
            (pos[0] - VIEWPORT_W / SCALE / 2.0) / (VIEWPORT_W / SCALE / 2.0),
            (pos[1] - (helipad_y + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2.0),
            vel[0] * (VIEWPORT_W / SCALE / 2.0) / FPS,
            vel[1] * (VIEWPORT_H / SCALE / 2.0) / FPS,
            f64::from(body.angle),
            20.0 * f64::from(body.angular_velocity) / FPS,
            if self.ground_contact[0] { 1.0 } else { 0.0 },
            if self.ground_contact[1] { 1.0 } else { 0.0 },
        ];

        let shaping = -100.0 * (state[0] * state[0] + state[1] * state[1]).sqrt()
            - 100.0 * (state[2] * state[2] + state[3] * state[3]).sqrt()
            - 100.0 * state[4].abs()
            + 10.0 * state[6]
            + 10.0 * state[7];
        let mut reward = match self.prev_shaping {
            Some(prev) => shaping - prev,
            None => 0.0,
        };
        self.prev_shaping = Some(shaping);
        reward -= m_power * 0.30;
        reward -= s_power * 0.03;

        let mut terminated = false;
        if self.game_over || state[0].abs() >= 1.0 {
            terminated = true;
            reward = -100.0;
        }
        if !body.awake {
            terminated = true;
            reward = 100.0;
        }
        Step {
            obs: Obs::F32(state.iter().map(|&v| v as f32).collect()),
            reward,
            terminated,
            truncated: false,
            info: Info::new(),
        }
    }

    /// Poses of the lander and the legs, their polygons (body frame) and the terrain, for the
    /// renderer; `None` before the first reset.
    pub(crate) fn scene(&self) -> Option<(&Scene, Vec<PosedPolygon>)> {
        let (scene, b) = (self.scene.as_ref()?, self.bodies.as_ref()?);
        let mut parts = Vec::with_capacity(3);
        for (body, fixture) in
            [(b.lander, b.lander_fixture), (b.legs[0], b.leg_fixtures[0]), (b.legs[1], b.leg_fixtures[1])]
        {
            parts.push((b.world.polygon_vertices(fixture), b.world.body(body)));
        }
        Some((scene, parts))
    }

    /// Whether each leg touches the ground (observation entries 6 and 7).
    pub fn ground_contact(&self) -> [bool; 2] {
        self.ground_contact
    }
}

impl Env for LunarLander {
    fn id(&self) -> &str {
        &self.id
    }
    fn observation_space(&self) -> &Space {
        &self.observation_space
    }
    fn action_space(&self) -> &Space {
        &self.action_space
    }
    fn rng_state(&self) -> Option<Vec<u8>> {
        Some(self.rng.state())
    }
    fn set_rng_state(&mut self, state: &[u8]) -> bool {
        self.rng.set_state(state)
    }
    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        self.rng.reseed(seed);
        let draws = self.draw_reset();
        self.reset_with(&draws)
    }
    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.guard.check_step(action, &self.action_space)?;
        let dispersion = self.draw_dispersion();
        self.step_with(LunarAction::Discrete(action), dispersion)
    }
    /// Gymnasium's `rgb_array` picture (600x400): black sky, white ground, the lander and its
    /// legs, the helipad flags and the engines' exhaust particles.
    fn render(&mut self) -> Result<RgbFrame, EnvError> {
        let mut renderer = self.renderer.take().unwrap_or_default();
        let frame = renderer.render(self);
        self.renderer = Some(renderer);
        Ok(frame)
    }
}

/// Gymnasium's heuristic lander (`gymnasium.envs.box2d.lunar_lander.heuristic`) for the discrete
/// variant: steer the angle towards a target that points at the pad, hover at a height
/// proportional to the horizontal offset, and once a leg touches only brake the fall. Computed
/// in `f32` like numpy 2 does on the float32 observation.
pub fn heuristic(obs: &[f32]) -> usize {
    let (hover_todo, angle_todo) = heuristic_targets(obs);
    if hover_todo > angle_todo.abs() && hover_todo > 0.05 {
        2
    } else if angle_todo < -0.05 {
        3
    } else if angle_todo > 0.05 {
        1
    } else {
        0
    }
}

/// The heuristic for the continuous variant: `[hover_todo * 20 - 1, -angle_todo * 20]` clipped
/// to `[-1, 1]`.
pub fn heuristic_continuous(obs: &[f32]) -> [f32; 2] {
    let (hover_todo, angle_todo) = heuristic_targets(obs);
    [(hover_todo * 20.0 - 1.0).clamp(-1.0, 1.0), (-angle_todo * 20.0).clamp(-1.0, 1.0)]
}

/// `(hover_todo, angle_todo)` of the heuristic.
fn heuristic_targets(s: &[f32]) -> (f32, f32) {
    assert!(s.len() >= 8, "the LunarLander heuristic needs the 8-value observation");
    // Angle should point towards the centre; more than 0.4 rad (22 degrees) is bad.
    let angle_targ = (s[0] * 0.5 + s[2] * 1.0).clamp(-0.4, 0.4);
    // Target height proportional to the horizontal offset.
    let hover_targ = 0.55 * s[0].abs();
    let mut angle_todo = (angle_targ - s[4]) * 0.5 - s[5] * 1.0;
    let mut hover_todo = (hover_targ - s[1]) * 0.5 - s[3] * 0.5;
    if s[6] != 0.0 || s[7] != 0.0 {
        // Legs have contact: only reduce the fall speed.
        angle_todo = 0.0;
        hover_todo = -s[3] * 0.5;
    }
    (hover_todo, angle_todo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(env: &mut LunarLander, seed: u64, policy: impl Fn(&[f32]) -> usize) -> (f64, usize, Vec<f32>) {
        let (obs, _) = env.reset(Some(seed));
        let mut obs = obs.as_f32().unwrap().to_vec();
        let (mut ret, mut t) = (0.0, 0);
        loop {
            let s = env.step(policy(&obs)).unwrap();
            ret += s.reward;
            t += 1;
            obs = s.obs.as_f32().unwrap().to_vec();
            if s.done() || t >= 1000 {
                return (ret, t, obs);
            }
        }
    }

    #[test]
    fn the_heuristic_lands() {
        let mut env = LunarLander::new("LunarLander-v3");
        let mut landed = 0;
        for seed in 0..5 {
            let (ret, _, last) = run(&mut env, seed, heuristic);
            landed += usize::from(ret > 200.0 && (last[6] == 1.0 || last[7] == 1.0));
        }
        assert!(landed >= 4, "the heuristic landed {landed} of 5");
    }

    #[test]
    fn seeded_episodes_repeat() {
        let mut a = LunarLander::new("LunarLander-v3");
        let mut b = LunarLander::new("LunarLander-v3");
        assert_eq!(run(&mut a, 3, |o| usize::from(o[1] < 0.5) * 2), run(&mut b, 3, |o| usize::from(o[1] < 0.5) * 2));
        assert_ne!(a.reset(Some(3)).0, a.reset(Some(4)).0);
    }

    #[test]
    fn protocol_errors_instead_of_panics() {
        let mut env = LunarLander::new("LunarLander-v3");
        assert_eq!(env.step(0), Err(EnvError::NotReset));
        env.reset(Some(0));
        assert!(matches!(env.step(4), Err(EnvError::InvalidAction { action: 4, .. })));
        // Doing nothing crashes the lander sooner or later.
        let mut last = None;
        for _ in 0..1000 {
            let s = env.step(0).unwrap();
            if s.terminated {
                last = Some(s);
                break;
            }
        }
        let last = last.expect("a free fall ends the episode");
        assert_eq!(last.reward, -100.0);
        assert_eq!(env.step(0), Err(EnvError::EpisodeOver));
    }

    #[test]
    fn bad_gravity_is_rejected() {
        for g in [0.0, -12.0, 3.0, f64::NAN] {
            let cfg = LunarLanderConfig { gravity: g, ..LunarLanderConfig::default() };
            assert!(matches!(LunarLander::with_config("LunarLander-v3", cfg), Err(EnvError::BadKwarg(_))), "{g}");
        }
    }

    #[test]
    fn wind_pushes_the_lander() {
        let calm = LunarLander::new("LunarLander-v3");
        let windy = LunarLanderConfig { enable_wind: true, wind_power: 20.0, ..LunarLanderConfig::default() };
        let windy = LunarLander::with_config("LunarLander-v3", windy).unwrap();
        let draws = ResetDraws { heights: [2.0; 12], force: [0.0, 0.0], wind_phase: [100, -200], dispersion: [0.0; 2] };
        let mut xs = Vec::new();
        for mut env in [calm, windy] {
            env.reset_with(&draws);
            let mut s = None;
            for _ in 0..20 {
                s = Some(env.step_with(LunarAction::Discrete(0), [0.0; 2]).unwrap());
            }
            xs.push(s.unwrap().obs.as_f32().unwrap()[0]);
        }
        assert!(xs[0].abs() < 1e-5, "no force, no dispersion: straight down, x = {}", xs[0]);
        assert!(xs[1].abs() > 1e-3, "the wind moved the lander sideways: x = {}", xs[1]);
    }

    #[test]
    fn continuous_throttle_thresholds() {
        let mut env = LunarLander::new("LunarLander-v3");
        let draws = ResetDraws { heights: [2.0; 12], force: [0.0, 0.0], wind_phase: [0, 0], dispersion: [0.0; 2] };
        env.reset_with(&draws);
        // Main below 0 and lateral inside (-0.5, 0.5): no engine, reward without fuel cost.
        let off = env.step_with(LunarAction::Continuous([-0.5, 0.4]), [0.0; 2]).unwrap();
        env.reset_with(&draws);
        let idle = env.step_with(LunarAction::Discrete(0), [0.0; 2]).unwrap();
        assert_eq!(off, idle);
        // Full main throttle costs 0.3 and equals the discrete main engine.
        env.reset_with(&draws);
        let full = env.step_with(LunarAction::Continuous([1.0, 0.0]), [0.0; 2]).unwrap();
        env.reset_with(&draws);
        let main = env.step_with(LunarAction::Discrete(2), [0.0; 2]).unwrap();
        assert_eq!(full, main);
        // Lateral -1 is the left engine at full power; beyond [-1, 1] clips.
        env.reset_with(&draws);
        let left = env.step_with(LunarAction::Continuous([0.0, -3.0]), [0.0; 2]).unwrap();
        env.reset_with(&draws);
        let left_d = env.step_with(LunarAction::Discrete(1), [0.0; 2]).unwrap();
        assert_eq!(left, left_d);
    }
}
