//! The LunarLander picture, drawn like Gymnasium 1.4.0's `rgb_array` mode: a 600x400 surface,
//! black sky above the terrain and white ground below, the lander and its legs filled in
//! (128, 102, 230) with a (77, 77, 128) outline, the two helipad flags (a white pole, a yellow
//! pennant), and the engines' exhaust particles fading from white-red to grey.
//!
//! Gymnasium's particles are Box2D bodies of the same world (created only in render mode); here
//! they are a cosmetic particle system outside the physics, so rendering can never change a
//! trajectory: each engine firing of the last step spawns one particle with the exhaust's
//! impulse, which then flies ballistically, bounces off the terrain, and fades by 0.15 per
//! rendered frame as Gymnasium's do. Particles are spawned from the step before each `render`
//! call, so they show when every step is rendered (as `deepq play` and the GIF recorder do).

use super::{LunarLander, CHUNKS, FPS, SCALE, VIEWPORT_H, VIEWPORT_W};
use crate::env::RgbFrame;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Stroke, Transform};

const W: u32 = VIEWPORT_W as u32;
const H: u32 = VIEWPORT_H as u32;
const BODY_FILL: [u8; 3] = [128, 102, 230];
const BODY_OUTLINE: [u8; 3] = [77, 77, 128];
const FLAG_POLE: [u8; 3] = [255, 255, 255];
const FLAG: [u8; 3] = [204, 204, 0];
/// Particle radius (metres): gymnasium's `circleShape(radius=2 / SCALE)`.
const PARTICLE_RADIUS: f64 = 2.0 / SCALE;

#[derive(Debug, Clone)]
struct Particle {
    pos: [f64; 2],
    vel: [f64; 2],
    ttl: f64,
}

/// Draws LunarLander states; keeps the surface and the particles between frames.
pub struct LunarRenderer {
    pixmap: Pixmap,
    particles: Vec<Particle>,
    last_step: u64,
}

impl std::fmt::Debug for LunarRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LunarRenderer").field("particles", &self.particles.len()).finish_non_exhaustive()
    }
}

impl Default for LunarRenderer {
    fn default() -> Self {
        Self { pixmap: Pixmap::new(W, H).expect("600x400 pixmap"), particles: Vec::new(), last_step: 0 }
    }
}

fn paint(rgb: [u8; 3]) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(rgb[0], rgb[1], rgb[2], 255));
    p.anti_alias = true;
    p
}

/// The terrain's height (metres) at `x` on the piecewise linear ground.
fn ground_at(chunk_x: &[f64; CHUNKS], smooth_y: &[f64; CHUNKS], x: f64) -> f64 {
    if x <= chunk_x[0] {
        return smooth_y[0];
    }
    for i in 0..CHUNKS - 1 {
        if x <= chunk_x[i + 1] {
            let t = (x - chunk_x[i]) / (chunk_x[i + 1] - chunk_x[i]);
            return smooth_y[i] + t * (smooth_y[i + 1] - smooth_y[i]);
        }
    }
    smooth_y[CHUNKS - 1]
}

impl LunarRenderer {
    /// Forgets the particles (a new episode).
    pub fn clear_particles(&mut self) {
        self.particles.clear();
    }

    fn update_particles(&mut self, env: &LunarLander) {
        let Some(scene) = env.scene.as_ref() else { return };
        let gravity = env.config.gravity;
        let dt = 1.0 / FPS;
        let steps = env.steps.saturating_sub(self.last_step).min(FPS as u64);
        let fresh = env.steps != self.last_step;
        self.last_step = env.steps;
        // Existing particles fly for the steps since the last frame; new ones for one step.
        let advance = |p: &mut Particle, n: u64| {
            for _ in 0..n {
                p.vel[1] += gravity * dt;
                p.pos[0] += p.vel[0] * dt;
                p.pos[1] += p.vel[1] * dt;
                let floor = ground_at(&scene.chunk_x, &scene.smooth_y, p.pos[0]).max(0.0) + PARTICLE_RADIUS;
                if p.pos[1] < floor {
                    p.pos[1] = floor;
                    p.vel[1] = -p.vel[1] * 0.3; // gymnasium's restitution
                    p.vel[0] *= 0.9;
                }
            }
        };
        for p in &mut self.particles {
            advance(p, steps);
        }
        if fresh {
            for f in &env.firings {
                // Gymnasium's particle: density 3.5 (main) or 0.7 (side) on a circle of radius 2/SCALE.
                let density = if f.main { 3.5 } else { 0.7 };
                let mass = density * std::f64::consts::PI * PARTICLE_RADIUS * PARTICLE_RADIUS;
                let mut p = Particle { pos: f.position, vel: [f.impulse[0] / mass, f.impulse[1] / mass], ttl: f.power };
                advance(&mut p, 1);
                self.particles.push(p);
            }
        }
        for p in &mut self.particles {
            p.ttl -= 0.15;
        }
        self.particles.retain(|p| p.ttl >= 0.0);
    }

    /// Draws `env`'s current state.
    pub fn render(&mut self, env: &LunarLander) -> RgbFrame {
        self.update_particles(env);
        self.pixmap.fill(Color::WHITE);
        // Surface coordinates are pixels with y up; the transform flips them onto the picture.
        let flip = Transform::from_row(1.0, 0.0, 0.0, -1.0, 0.0, H as f32);
        let fill = |pixmap: &mut Pixmap, pts: &[(f64, f64)], rgb: [u8; 3], outline: Option<[u8; 3]>| {
            let mut pb = PathBuilder::new();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    pb.move_to(x as f32, y as f32);
                } else {
                    pb.line_to(x as f32, y as f32);
                }
            }
            pb.close();
            if let Some(path) = pb.finish() {
                pixmap.fill_path(&path, &paint(rgb), FillRule::Winding, flip, None);
                let stroke = Stroke { width: 1.0, ..Stroke::default() };
                pixmap.stroke_path(&path, &paint(outline.unwrap_or(rgb)), &stroke, flip, None);
            }
        };
        if let Some((scene, parts)) = env.scene() {
            let s = SCALE;
            for i in 0..CHUNKS - 1 {
                let (x1, y1) = (scene.chunk_x[i] * s, scene.smooth_y[i] * s);
                let (x2, y2) = (scene.chunk_x[i + 1] * s, scene.smooth_y[i + 1] * s);
                fill(&mut self.pixmap, &[(x1, y1), (x2, y2), (x2, VIEWPORT_H), (x1, VIEWPORT_H)], [0, 0, 0], None);
            }
            for p in &self.particles {
                let c = |v: f64| (v.max(0.2) * 255.0) as u8;
                let rgb = [c(0.15 + p.ttl), c(0.5 * p.ttl), c(0.5 * p.ttl)];
                if let Some(path) =
                    PathBuilder::from_circle((p.pos[0] * s) as f32, (p.pos[1] * s) as f32, (PARTICLE_RADIUS * s) as f32)
                {
                    self.pixmap.fill_path(&path, &paint(rgb), FillRule::Winding, flip, None);
                }
            }
            for (vertices, pose) in &parts {
                let pts: Vec<(f64, f64)> = vertices
                    .iter()
                    .map(|&v| {
                        let w = pose.to_world(v);
                        (f64::from(w[0]) * s, f64::from(w[1]) * s)
                    })
                    .collect();
                fill(&mut self.pixmap, &pts, BODY_FILL, Some(BODY_OUTLINE));
            }
            for x in [scene.helipad_x1, scene.helipad_x2] {
                let x = x * s;
                let flagy1 = scene.helipad_y * s;
                let flagy2 = flagy1 + 50.0;
                fill(
                    &mut self.pixmap,
                    &[(x, flagy1), (x + 1.0, flagy1), (x + 1.0, flagy2), (x, flagy2)],
                    FLAG_POLE,
                    None,
                );
                fill(&mut self.pixmap, &[(x, flagy2), (x, flagy2 - 10.0), (x + 25.0, flagy2 - 5.0)], FLAG, None);
            }
        }
        let mut data = Vec::with_capacity((W * H * 3) as usize);
        // Every colour drawn is opaque, so the premultiplied RGBA values are plain RGB.
        for px in self.pixmap.data().chunks_exact(4) {
            data.extend_from_slice(&px[..3]);
        }
        RgbFrame { width: W as usize, height: H as usize, data }
    }
}
